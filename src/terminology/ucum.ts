import type { CodeSystem } from 'fhir/r4';
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { BoundedCache } from './bounded-cache';
import { CodeSystemIndex, Concept, propertyValueText } from './code-system-index';
import { issue, TerminologyError } from './issues';

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
/**
 * The UCUM library's parser slows down more than linearly with the length of a code (60,000
 * characters: 12 s); real unit expressions are a few dozen characters.
 */
export const MAX_UCUM_CODE_LENGTH = 256;

/** Units checked and described, shared by every UCUM index (the answer depends on the code alone). */
export const ucumUnitCache = new BoundedCache<Concept | null>('ucum-units', 4 * 1024 * 1024);
export const UCUM_CACHE_BYTES = ucumUnitCache.stats().maxBytes;

/** Rough heap cost of a cached unit: its strings (two bytes a character) and the objects around them. */
function cachedBytes(code: string, concept: Concept | null): number {
  const texts = concept ? [...concept.designations.map((d) => d.value), ...concept.properties.map((p) => propertyValueText(p.value))] : [];
  return 400 + 2 * (code.length + texts.reduce((n, t) => n + t.length, 0));
}

/**
 * The form the UCUM library checks: a space inside an annotation ({...}) read as an underscore.
 * Annotations carry no meaning in UCUM (a unit with one equals the unit without it); spaces in them
 * are common in practice (mg/dL{milligram per deciliter}) and accepted by the HL7 reference
 * implementation, which NLM's library refuses. A space anywhere else is still an error.
 */
function checkedForm(code: string): string {
  return code.includes(' ') ? code.replace(/\{[^{}]*\}/g, (annotation) => annotation.replaceAll(' ', '_')) : code;
}

/**
 * NLM's library prints a line to stdout (console.log) when its parser throws on a unit string;
 * the service's log is JSON lines, and a client must not be able to write to it. Its calls are
 * synchronous, so they run with console.log silenced.
 */
function quietly<T>(call: () => T): T {
  const log = console.log;
  console.log = () => undefined;
  try {
    return call();
  } finally {
    console.log = log;
  }
}

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

  constructor(resource: CodeSystem = UCUM_CODE_SYSTEM) {
    super(resource);
  }

  /** Any number of codes: never expanded whole. */
  override get size(): number {
    return Number.POSITIVE_INFINITY;
  }

  override get(code: string): Concept | undefined {
    let concept = ucumUnitCache.get(code);
    if (concept === undefined) {
      concept = this.describe(code);
      ucumUnitCache.set(code, concept, cachedBytes(code, concept));
    }
    return concept ?? undefined;
  }

  /** Why a code is not a unit, in the UCUM library's words. */
  override whyNotACode(code: string): string | undefined {
    return problemOf(code, this.validated(code));
  }

  /** The UCUM library's verdict on a code (a code too long to evaluate is refused first). */
  private validated(code: string): ReturnType<UcumLhcUtils['validateUnitString']> {
    refuseLongCode(code);
    return quietly(() => this.utils.validateUnitString(checkedForm(code), false));
  }

  private describe(code: string): Concept | null {
    if (!code) return null;
    const validated = this.validated(code);
    if (problemOf(code, validated)) return null;
    const base = quietly(() => this.utils.convertToBaseUnits(checkedForm(code), 1));
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

/** What the library says is wrong with a code, or undefined when it is a unit. */
function problemOf(code: string, result: { status: string; msg: string[] }): string | undefined {
  return result.status === 'valid' ? undefined : (result.msg[0] ?? `'${code}' is not a UCUM unit`);
}

/** A code too long to evaluate is a client error (400), not an unknown code. */
function refuseLongCode(code: string): void {
  if (code.length > MAX_UCUM_CODE_LENGTH) {
    throw new TerminologyError(issue('UCUM_CODE_TOO_LONG', [code.length, MAX_UCUM_CODE_LENGTH]));
  }
}
