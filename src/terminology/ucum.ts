import type { CodeSystem } from 'fhir/r4';
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { CodeSystemIndex, Concept } from './code-system-index';

/**
 * UCUM (http://unitsofmeasure.org) is a grammar, not a list: any well-formed unit expression is a
 * code. Codes are checked and described by NLM's UCUM library; the display of a unit is its code
 * (as in FHIR Quantity), its name is a designation, and `canonical` holds its base units (so a
 * value set can ask for, say, every mass unit: canonical = g).
 */

export const UCUM_URL = 'http://unitsofmeasure.org';

export const UCUM_CODE_SYSTEM: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'ucum',
  url: UCUM_URL,
  version: '2.2',
  name: 'UCUM',
  title: 'Unified Code for Units of Measure',
  status: 'active',
  publisher: 'Regenstrief Institute and the UCUM Organization',
  description:
    'Units of measure: every well-formed UCUM expression is a valid code, checked against the UCUM grammar and tables. ' +
    'Codes are not enumerated, so UCUM value sets cannot be expanded in full.',
  caseSensitive: true,
  compositional: true,
  content: 'complete',
  property: [
    { code: 'canonical', uri: 'http://hl7.org/fhir/concept-properties#canonical', type: 'string', description: 'The base units of the unit, e.g. g for a mass' },
  ],
};

const SYNONYM = { system: 'http://snomed.info/sct', code: '900000000000013009', display: 'Synonym' };
const CACHE_LIMIT = 10_000;

/** The base units of a unit in UCUM syntax: g.m-3 for mg/dL; '1' for a dimensionless unit. */
function canonicalUnits(unitToExp: Record<string, number>): string {
  const parts = Object.keys(unitToExp)
    .sort()
    .filter((u) => unitToExp[u] !== 0)
    .map((u) => (unitToExp[u] === 1 ? u : `${u}${unitToExp[u]}`));
  return parts.length ? parts.join('.') : '1';
}

export class UcumCodeSystem extends CodeSystemIndex {
  private readonly utils = UcumLhcUtils.getInstance();
  private readonly known = new Map<string, Concept | null>();

  constructor(resource: CodeSystem = UCUM_CODE_SYSTEM) {
    super(resource);
  }

  /** Any number of codes: never expanded whole. */
  override get size(): number {
    return Number.POSITIVE_INFINITY;
  }

  override get(code: string): Concept | undefined {
    let concept = this.known.get(code);
    if (concept === undefined) {
      concept = this.describe(code);
      if (this.known.size >= CACHE_LIMIT) this.known.clear();
      this.known.set(code, concept);
    }
    return concept ?? undefined;
  }

  /** Why a code is not a unit, in the UCUM library's words. */
  override whyNotACode(code: string): string | undefined {
    const result = this.utils.validateUnitString(code, false);
    return result.status === 'valid' ? undefined : (result.msg[0] ?? `'${code}' is not a UCUM unit`);
  }

  private describe(code: string): Concept | null {
    if (!code || this.whyNotACode(code)) return null;
    const validated = this.utils.validateUnitString(code, false);
    const base = this.utils.convertToBaseUnits(code, 1);
    const concept: Concept = {
      code,
      display: code,
      designations: validated.unit?.name && validated.unit.name !== code ? [{ language: 'en', use: SYNONYM, value: validated.unit.name }] : [],
      properties: base.status === 'succeeded' && base.unitToExp ? [{ code: 'canonical', value: { type: 'string', value: canonicalUnits(base.unitToExp) } }] : [],
      parents: [],
      children: [],
      inactive: false,
      deprecated: false,
      notSelectable: false,
    };
    return concept;
  }
}
