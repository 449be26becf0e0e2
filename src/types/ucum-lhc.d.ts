/** The part of @lhncbc/ucum-lhc (NLM's UCUM library) this server uses. */
declare module '@lhncbc/ucum-lhc' {
  interface UnitValidation {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    unit?: { code: string; name: string; guidance: string | null };
    msg: string[];
  }
  interface BaseUnits {
    status: 'succeeded' | 'failed' | 'error';
    msg: string[];
    magnitude?: number;
    unitToExp?: Record<string, number>;
  }
  export class UcumLhcUtils {
    static getInstance(): UcumLhcUtils;
    validateUnitString(unit: string, suggest?: boolean): UnitValidation;
    convertToBaseUnits(unit: string, value: number): BaseUnits;
  }
}
