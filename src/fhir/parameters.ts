import type {
  CodeableConcept,
  Coding,
  OperationDefinition,
  OperationDefinitionParameter,
  Parameters,
  ParametersParameter,
  Resource,
} from 'fhir/r4';
import { clientError, FhirError } from './operation-outcome';

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
    if (typeof text === 'string' && text.length > max) throw clientError('PARAMETER_TOO_LONG', [where, text.length, max], name);
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

/** One input parameter as the operation's definition declares it. */
interface ParameterSpec {
  name: string;
  type: string;
  /** max is not 1: the value is an array in the input record */
  repeats: boolean;
}

/**
 * An operation's input parameters, compiled once from its OperationDefinition (plus the
 * ecosystem's additions and any aliases): found by name in a map, never by a search per request.
 */
export interface CompiledOperation {
  /** `$lookup`, ... as named in messages */
  name: string;
  parameters: ReadonlyMap<string, ParameterSpec>;
}

export function compileOperation(def: OperationDefinition, extra: OperationDefinitionParameter[] = []): CompiledOperation {
  const parameters = new Map<string, ParameterSpec>();
  for (const p of [...ECOSYSTEM_PARAMETERS, ...extra, ...(def.parameter ?? []).filter((p) => p.use === 'in')]) {
    // the definition's own declaration wins over the ecosystem's
    parameters.set(p.name, { name: p.name, type: p.type ?? (p.part ? 'part' : 'string'), repeats: p.max !== '1' });
  }
  return { name: `$${def.code}`, parameters };
}

/** The values of an operation's input, by parameter name: single values, or arrays for repeating parameters. */
export type InputRecord = Record<string, ParameterValue | ParameterValue[] | undefined>;

/** An operation's call, free of HTTP: a GET query, or a POST body (a Parameters resource, or form fields). */
export interface OperationCall {
  method: string;
  query: QueryValues;
  body?: unknown;
  form?: boolean;
  /** Prefer: handling=strict: a parameter the operation does not define is an error instead of ignored. */
  strict: boolean;
}

/**
 * The typed input of an operation: each parameter read by its definition (type and cardinality),
 * the record shaped as T, the operation's input interface. A parameter the operation does not
 * define is ignored (FHIR), unless the call is strict.
 */
export function parseInputParameters<T>(operation: CompiledOperation, call: OperationCall): T {
  if (call.method === 'GET') return parseQuery(operation, call.query, call.strict) as T;
  if (call.form) return parseQuery(operation, (call.body ?? {}) as QueryValues, call.strict) as T;
  if (call.body === undefined) throw clientError('PARAMETERS_NOT_JSON');
  return parseBody(operation, call.body, call.strict) as T;
}

/** Answer to a parameter the operation does not define, under `Prefer: handling=strict`. */
export function undefinedParameter(name: string, where: string): FhirError {
  return clientError('PARAMETER_UNDEFINED', [name, where], name);
}

function add(record: InputRecord, spec: ParameterSpec, value: ParameterValue): void {
  checkTextLengths(spec.name, value);
  if (spec.repeats) {
    const list = record[spec.name] as ParameterValue[] | undefined;
    if (list) list.push(value);
    else record[spec.name] = [value];
    return;
  }
  if (record[spec.name] !== undefined) throw clientError('PARAMETER_REPEATED', [spec.name], spec.name);
  record[spec.name] = value;
}

function parsePrimitive(type: string, raw: string, name: string): string | number | boolean {
  switch (type) {
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw clientError('PARAMETER_NOT_BOOLEAN', [name, raw], name);
    case 'integer':
    case 'positiveInt':
    case 'unsignedInt': {
      if (!/^-?\d+$/.test(raw)) throw clientError('PARAMETER_NOT_INTEGER', [name, raw], name);
      const n = Number(raw);
      if (type !== 'integer' && n < 0) throw clientError('PARAMETER_NEGATIVE', [name], name);
      return n;
    }
    case 'decimal':
      if (Number.isNaN(Number(raw))) throw clientError('PARAMETER_NOT_DECIMAL', [name, raw], name);
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

/** Parameters about the response, not the operation: read by the HTTP edge, never undefined. */
const CONTROL_PARAMETERS = new Set(['_format', '_pretty', '_summary', '_elements']);

function queryValue(spec: ParameterSpec, raw: unknown): ParameterValue {
  const { name, type } = spec;
  if (typeof raw !== 'string') throw clientError('PARAMETER_MALFORMED', [name], name);
  if (PRIMITIVE_TYPES.has(type)) return parsePrimitive(type, raw, name);
  if (type === 'Coding') return codingFromQuery(raw);
  if (type === 'CodeableConcept') return { coding: [codingFromQuery(raw)] };
  throw clientError('PARAMETER_BODY_ONLY', [name, type], name);
}

function parseQuery(operation: CompiledOperation, query: QueryValues, strict: boolean): InputRecord {
  const record: InputRecord = {};
  for (const name in query) {
    const rawValue = query[name];
    if (rawValue === undefined || CONTROL_PARAMETERS.has(name)) continue;
    const spec = operation.parameters.get(name);
    if (!spec) {
      if (strict) throw undefinedParameter(name, operation.name);
      continue;
    }
    if (Array.isArray(rawValue)) for (const raw of rawValue) add(record, spec, queryValue(spec, raw));
    else add(record, spec, queryValue(spec, rawValue));
  }
  return record;
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

function valueOf(p: ParametersParameter, spec: ParameterSpec): ParameterValue {
  const { name, type } = spec;
  if (type === 'part') {
    if (!Array.isArray(p.part)) throw clientError('PARAMETER_NO_PARTS', [name], name);
    for (const [i, part] of p.part.entries()) {
      if (!isObject(part) || typeof part.name !== 'string') throw clientError('PARAMETER_PART_NO_NAME', [name, i], name);
    }
    return p.part;
  }
  const record = p as unknown as Record<string, unknown>;
  if (type === 'Resource' || /^[A-Z]/.test(type) && !['Coding', 'CodeableConcept'].includes(type)) {
    const resource = p.resource;
    if (!resource || typeof resource !== 'object') throw clientError('PARAMETER_NO_RESOURCE', [name], name);
    if (type !== 'Resource' && resource.resourceType !== type) {
      throw clientError('PARAMETER_WRONG_RESOURCE', [name, type, resource.resourceType], name);
    }
    return resource;
  }
  if (type === 'Coding' || type === 'CodeableConcept') {
    const v = record[`value${type}`];
    const problem = type === 'Coding' ? codingProblem(v) : codeableConceptProblem(v);
    if (problem) throw clientError('PARAMETER_WRONG_DATATYPE', [name, type, problem], name);
    return v as Coding | CodeableConcept;
  }
  if (type === 'boolean') {
    if (typeof p.valueBoolean !== 'boolean') throw clientError('PARAMETER_NOT_VALUE_BOOLEAN', [name], name);
    return p.valueBoolean;
  }
  if (type === 'integer' || type === 'positiveInt' || type === 'unsignedInt') {
    const v = p.valueInteger ?? p.valuePositiveInt ?? p.valueUnsignedInt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw clientError('PARAMETER_NOT_VALUE_INTEGER', [name], name);
    return v;
  }
  for (const suffix of TEXT_TYPES) {
    const v = record[`value${suffix}`];
    if (typeof v === 'string') return v;
  }
  throw clientError('PARAMETER_NO_VALUE', [name, type], name);
}

/**
 * A part of a parameter read as `type`, by the rules of a parameter's value: a part of another
 * datatype is a 400 naming it as parent.part (the parts themselves are checked for a name by the parser).
 */
export function partValue(parent: string, part: ParametersParameter, type: string): ParameterValue {
  return valueOf(part, { name: `${parent}.${part.name}`, type, repeats: false });
}

/** More parameters than MAX_PARAMETERS is a 422 naming the limit. */
export function checkParameterCount(list: readonly unknown[]): void {
  if (list.length > parameterLimits.maxParameters) throw clientError('TOO_MANY_PARAMETERS', [list.length, parameterLimits.maxParameters]);
}

function parseBody(operation: CompiledOperation, body: unknown, strict: boolean): InputRecord {
  if (!body || typeof body !== 'object' || (body as Resource).resourceType !== 'Parameters') {
    throw clientError('BODY_NOT_PARAMETERS');
  }
  const params = body as Parameters;
  if (params.parameter !== undefined && !Array.isArray(params.parameter)) {
    throw clientError('PARAMETERS_NOT_ARRAY', [], 'Parameters.parameter');
  }
  const list = params.parameter ?? [];
  checkParameterCount(list);
  const record: InputRecord = {};
  for (const [i, p] of list.entries()) {
    if (!p || typeof p !== 'object' || typeof p.name !== 'string') {
      throw clientError('PARAMETER_NO_NAME', [i], `Parameters.parameter[${i}]`);
    }
    const spec = operation.parameters.get(p.name);
    if (!spec) {
      if (strict) throw undefinedParameter(p.name, operation.name);
      continue;
    }
    add(record, spec, valueOf(p, spec));
  }
  return record;
}

/** A Parameters resource (a batch-validate-code validation) read as the input of an operation. */
export function parseParametersResource<T>(operation: CompiledOperation, body: unknown, strict: boolean): T {
  return parseBody(operation, body, strict) as T;
}

// ---------------------------------------------------------------------------------------------
// Output

export function parameters(list: Array<ParametersParameter | undefined | false>): Parameters {
  return { resourceType: 'Parameters', parameter: list.filter((p): p is ParametersParameter => !!p) };
}
