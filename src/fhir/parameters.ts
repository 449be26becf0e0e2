import type {
  CodeableConcept,
  Coding,
  OperationDefinition,
  OperationDefinitionParameter,
  Parameters,
  ParametersParameter,
  Resource,
} from 'fhir/r4';
import { badRequest, tooCostly } from './operation-outcome';

/**
 * Operation input, from a GET query or a POST Parameters body, checked against the official
 * OperationDefinition: each parameter's type and cardinality decide how it is read, and a value
 * of the wrong type is a 400 that names the parameter.
 */

export type ParameterValue = string | number | boolean | Coding | CodeableConcept | Resource | ParametersParameter[];

/** Bounds on what one request's parameters may hold (set from the service's limits at start-up). */
export interface ParameterLimits {
  maxParameters: number;
  /** Longest text value: a code, display, url or filter. */
  maxStringLength: number;
}

export const DEFAULT_PARAMETER_LIMITS: Readonly<ParameterLimits> = { maxParameters: 10_000, maxStringLength: 8_192 };

/** The limits in force (createApp sets them from its ServiceLimits). */
export const parameterLimits: ParameterLimits = { ...DEFAULT_PARAMETER_LIMITS };

export function configureParameterLimits(limits: ParameterLimits): void {
  Object.assign(parameterLimits, limits);
}

/** A text value longer than the limit is a 400 naming the parameter (and, for a Coding, the element). */
function checkTextLengths(name: string, value: ParameterValue): void {
  const max = parameterLimits.maxStringLength;
  const check = (text: unknown, where: string): void => {
    if (typeof text === 'string' && text.length > max) {
      throw badRequest(`Parameter '${where}' is ${text.length} characters long; text values may have at most ${max} (MAX_STRING_LENGTH)`, name);
    }
  };
  if (typeof value === 'string') return check(value, name);
  if (typeof value !== 'object' || Array.isArray(value) || 'resourceType' in value) return;
  const codings = 'coding' in value ? (value.coding ?? []) : [value as Coding];
  if ('text' in value) check(value.text, `${name}.text`);
  for (const c of codings) for (const key of ['system', 'version', 'code', 'display'] as const) check(c[key], `${name}.${key}`);
}

/** Parameters the HL7 terminology ecosystem adds to the R4 operations. */
const ECOSYSTEM_PARAMETERS: OperationDefinitionParameter[] = [
  { name: 'tx-resource', use: 'in', min: 0, max: '*', type: 'Resource' },
  { name: 'system-version', use: 'in', min: 0, max: '*', type: 'canonical' },
  { name: 'check-system-version', use: 'in', min: 0, max: '*', type: 'canonical' },
  { name: 'force-system-version', use: 'in', min: 0, max: '*', type: 'canonical' },
  { name: 'default-valueset-version', use: 'in', min: 0, max: '*', type: 'canonical' },
  { name: 'useSupplement', use: 'in', min: 0, max: '*', type: 'canonical' },
  { name: 'inferSystem', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'valueSetMode', use: 'in', min: 0, max: '1', type: 'code' },
  { name: 'mode', use: 'in', min: 0, max: '1', type: 'code' },
  { name: 'lenient-display-validation', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'activeOnly', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'membershipOnly', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'valueset-membership-only', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'cache-id', use: 'in', min: 0, max: '1', type: 'id' },
  { name: 'diagnostics', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'property', use: 'in', min: 0, max: '*', type: 'string' },
  { name: 'includeAncestor', use: 'in', min: 0, max: '1', type: 'boolean' },
  { name: 'profile', use: 'in', min: 0, max: '1', type: 'Resource' },
  { name: 'uuid', use: 'in', min: 0, max: '1', type: 'uuid' },
  { name: '_limit', use: 'in', min: 0, max: '1', type: 'integer' },
  { name: '_incomplete', use: 'in', min: 0, max: '1', type: 'boolean' },
];

const PRIMITIVE_TYPES = new Set([
  'string', 'code', 'uri', 'url', 'canonical', 'id', 'oid', 'uuid', 'markdown', 'dateTime', 'date', 'instant', 'boolean', 'integer', 'decimal', 'positiveInt', 'unsignedInt',
]);
const TEXT_TYPES = ['String', 'Code', 'Uri', 'Url', 'Canonical', 'Id', 'Oid', 'Uuid', 'Markdown', 'DateTime', 'Date', 'Instant'];

export class OperationInput {
  constructor(
    readonly operation: string,
    private readonly values: Map<string, ParameterValue[]>,
  ) {}

  has(name: string): boolean {
    return (this.values.get(name)?.length ?? 0) > 0;
  }

  all(name: string): ParameterValue[] {
    return this.values.get(name) ?? [];
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    const v = this.all(name)[0];
    return typeof v === 'string' ? v : undefined;
  }

  strings(name: string): string[] {
    return this.all(name).filter((v): v is string => typeof v === 'string');
  }

  boolean(name: string): boolean | undefined {
    const v = this.all(name)[0];
    return typeof v === 'boolean' ? v : undefined;
  }

  integer(name: string): number | undefined {
    const v = this.all(name)[0];
    return typeof v === 'number' ? v : undefined;
  }

  coding(name: string): Coding | undefined {
    return this.all(name)[0] as Coding | undefined;
  }

  codeableConcept(name: string): CodeableConcept | undefined {
    return this.all(name)[0] as CodeableConcept | undefined;
  }

  resource<T extends Resource>(name: string): T | undefined {
    return this.all(name)[0] as T | undefined;
  }

  resources(name: string): Resource[] {
    return this.all(name) as Resource[];
  }

  /** The parameters as given, for echoing (expansion.parameter). */
  entries(): Array<[string, ParameterValue]> {
    return [...this.values.entries()].flatMap(([k, vs]) => vs.map((v): [string, ParameterValue] => [k, v]));
  }
}

function definitionOf(def: OperationDefinition, name: string): OperationDefinitionParameter | undefined {
  return def.parameter?.find((p) => p.use === 'in' && p.name === name) ?? ECOSYSTEM_PARAMETERS.find((p) => p.name === name);
}

function parsePrimitive(type: string, raw: string, name: string): string | number | boolean {
  switch (type) {
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw badRequest(`Parameter '${name}' must be a boolean (true or false), not '${raw}'`, name);
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt': {
      if (!/^-?\d+$/.test(raw)) throw badRequest(`Parameter '${name}' must be an integer, not '${raw}'`, name);
      const n = Number(raw);
      if (type !== 'integer' && n < 0) throw badRequest(`Parameter '${name}' must not be negative`, name);
      return n;
    }
    case 'decimal':
      if (Number.isNaN(Number(raw))) throw badRequest(`Parameter '${name}' must be a decimal number, not '${raw}'`, name);
      return Number(raw);
    default:
      return raw;
  }
}

/** `system|code` or `system|version|code` in a GET query, for a Coding parameter. */
function codingFromQuery(raw: string): Coding {
  const parts = raw.split('|');
  if (parts.length === 1) return { code: parts[0] };
  if (parts.length === 2) return { system: parts[0] || undefined, code: parts[1] };
  return { system: parts[0] || undefined, version: parts[1] || undefined, code: parts.slice(2).join('|') };
}

export type QueryValues = Record<string, string | string[] | undefined>;

const CONTROL_PARAMETERS = new Set(['_format', '_pretty', '_summary', '_elements']);

export function parseQuery(def: OperationDefinition, query: QueryValues): OperationInput {
  const values = new Map<string, ParameterValue[]>();
  for (const [name, rawValue] of Object.entries(query)) {
    if (rawValue === undefined || CONTROL_PARAMETERS.has(name)) continue;
    const raws = Array.isArray(rawValue) ? rawValue : [rawValue];
    const spec = definitionOf(def, name);
    if (!spec) continue;
    const type = spec.type ?? 'string';
    const parsed: ParameterValue[] = raws.map((raw) => {
      if (typeof raw !== 'string') throw badRequest(`Parameter '${name}' is malformed`, name);
      if (PRIMITIVE_TYPES.has(type)) return parsePrimitive(type, raw, name);
      if (type === 'Coding') return codingFromQuery(raw);
      if (type === 'CodeableConcept') return { coding: [codingFromQuery(raw)] };
      throw badRequest(`Parameter '${name}' (${type}) can only be given in a POST Parameters body`, name);
    });
    for (const v of parsed) checkTextLengths(name, v);
    append(values, name, parsed);
  }
  return checkCardinality(def, values);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a value is not a usable Coding, or undefined when it is one. */
function codingProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not an object';
  for (const key of ['system', 'version', 'code', 'display']) {
    if (v[key] !== undefined && typeof v[key] !== 'string') return `${key} must be a string`;
  }
  return undefined;
}

function codeableConceptProblem(v: unknown): string | undefined {
  if (!isObject(v)) return 'not an object';
  if (v.text !== undefined && typeof v.text !== 'string') return 'text must be a string';
  if (v.coding === undefined) return undefined;
  if (!Array.isArray(v.coding)) return 'coding must be an array';
  for (const [i, c] of v.coding.entries()) {
    const problem = codingProblem(c);
    if (problem) return `coding[${i}]: ${problem}`;
  }
  return undefined;
}

function valueOf(p: ParametersParameter, spec: OperationDefinitionParameter): ParameterValue {
  const name = p.name;
  const type = spec.type ?? (spec.part ? 'part' : 'string');
  if (type === 'part') {
    if (!p.part) throw badRequest(`Parameter '${name}' must have parts`, name);
    return p.part;
  }
  const record = p as unknown as Record<string, unknown>;
  if (type === 'Resource' || /^[A-Z]/.test(type) && !['Coding', 'CodeableConcept'].includes(type)) {
    const resource = p.resource;
    if (!resource || typeof resource !== 'object') throw badRequest(`Parameter '${name}' must carry a resource`, name);
    if (type !== 'Resource' && resource.resourceType !== type) {
      throw badRequest(`Parameter '${name}' must be a ${type}, not a ${resource.resourceType}`, name);
    }
    return resource;
  }
  if (type === 'Coding' || type === 'CodeableConcept') {
    const v = record[`value${type}`];
    const problem = type === 'Coding' ? codingProblem(v) : codeableConceptProblem(v);
    if (problem) throw badRequest(`Parameter '${name}' must be a ${type} (value${type}): ${problem}`, name);
    return v as Coding | CodeableConcept;
  }
  if (type === 'boolean') {
    if (typeof p.valueBoolean !== 'boolean') throw badRequest(`Parameter '${name}' must be a boolean (valueBoolean)`, name);
    return p.valueBoolean;
  }
  if (type === 'integer' || type === 'positiveInt' || type === 'unsignedInt') {
    const v = p.valueInteger ?? p.valuePositiveInt ?? p.valueUnsignedInt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`Parameter '${name}' must be an integer (valueInteger)`, name);
    return v;
  }
  for (const suffix of TEXT_TYPES) {
    const v = record[`value${suffix}`];
    if (typeof v === 'string') return v;
  }
  throw badRequest(`Parameter '${name}' must have a ${type} value`, name);
}

export function parseBody(def: OperationDefinition, body: unknown): OperationInput {
  if (!body || typeof body !== 'object' || (body as Resource).resourceType !== 'Parameters') {
    throw badRequest('The request body must be a FHIR Parameters resource');
  }
  const params = body as Parameters;
  if (params.parameter !== undefined && !Array.isArray(params.parameter)) {
    throw badRequest('Parameters.parameter must be an array', 'Parameters.parameter');
  }
  const list = params.parameter ?? [];
  if (list.length > parameterLimits.maxParameters) {
    throw tooCostly(`The Parameters body has ${list.length} parameters; a request may have at most ${parameterLimits.maxParameters} (MAX_PARAMETERS)`);
  }
  const values = new Map<string, ParameterValue[]>();
  for (const [i, p] of list.entries()) {
    if (!p || typeof p !== 'object' || typeof p.name !== 'string') {
      throw badRequest(`Parameters.parameter[${i}] has no name`, `Parameters.parameter[${i}]`);
    }
    const spec = definitionOf(def, p.name);
    if (!spec) continue;
    const value = valueOf(p, spec);
    checkTextLengths(p.name, value);
    append(values, p.name, [value]);
  }
  return checkCardinality(def, values);
}

/** Add to a parameter's list in place: copying it on every repeat made parsing quadratic. */
function append(values: Map<string, ParameterValue[]>, name: string, more: ParameterValue[]): void {
  const list = values.get(name);
  if (list) list.push(...more);
  else values.set(name, more);
}

function checkCardinality(def: OperationDefinition, values: Map<string, ParameterValue[]>): OperationInput {
  for (const [name, list] of values) {
    const spec = definitionOf(def, name);
    if (spec?.max === '1' && list.length > 1) throw badRequest(`Parameter '${name}' may be given only once`, name);
  }
  return new OperationInput(def.code, values);
}

// ---------------------------------------------------------------------------------------------
// Output

export function parameters(list: Array<ParametersParameter | undefined | false>): Parameters {
  return { resourceType: 'Parameters', parameter: list.filter((p): p is ParametersParameter => !!p) };
}

/** Parts of a multi-part parameter, leaving out the absent ones. */
export function parts(list: Array<ParametersParameter | undefined | false>): ParametersParameter[] {
  return list.filter((p): p is ParametersParameter => !!p);
}
