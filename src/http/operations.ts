import type { Request } from 'express';
import type { FhirResource, OperationDefinition, OperationDefinitionParameter } from 'fhir/r4';
import { operationDefinition } from '../fhir/capabilities';
import { FhirError, methodNotAllowed, notFound } from '../fhir/operation-outcome';
import { batchValidateCodeOperation } from '../fhir/operations/batch-validate-code';
import { expandOperation } from '../fhir/operations/expand';
import type { OperationRequest } from '../fhir/operations/context';
import { lookupOperation } from '../fhir/operations/lookup';
import { subsumesOperation } from '../fhir/operations/subsumes';
import { TRANSLATE_R5_PARAMETERS, translateOperation } from '../fhir/operations/translate';
import { codeSystemValidateCodeOperation, valueSetValidateCodeOperation } from '../fhir/operations/validate-code';
import { OperationInput, parseBody, parseQuery, QueryValues } from '../fhir/parameters';
import type { ResourceCaches } from '../fhir/resource-caches';
import type { TerminologyRegistry, TerminologyResourceType } from '../terminology/registry';

type Handler = (request: OperationRequest) => FhirResource;

interface OperationRoute {
  definition: string;
  handler: Handler;
  /** Parameters read besides the definition's own (aliases the ecosystem sends). */
  extraParameters?: OperationDefinitionParameter[];
}

/** Which operation answers `[type]/$[name]`, and the definition its parameters follow. */
const OPERATIONS: Record<string, OperationRoute> = {
  'CodeSystem/$lookup': { definition: 'CodeSystem-lookup', handler: lookupOperation },
  'CodeSystem/$validate-code': { definition: 'CodeSystem-validate-code', handler: codeSystemValidateCodeOperation },
  'CodeSystem/$subsumes': { definition: 'CodeSystem-subsumes', handler: subsumesOperation },
  'ValueSet/$expand': { definition: 'ValueSet-expand', handler: (r) => expandOperation(r) },
  'ValueSet/$validate-code': { definition: 'ValueSet-validate-code', handler: valueSetValidateCodeOperation },
  'ValueSet/$batch-validate-code': { definition: 'ValueSet-batch-validate-code', handler: batchValidateCodeOperation },
  'ConceptMap/$translate': { definition: 'ConceptMap-translate', handler: translateOperation, extraParameters: TRANSLATE_R5_PARAMETERS },
};

const RESOURCE_TYPES = new Set(['CodeSystem', 'ValueSet', 'ConceptMap']);

/** The resource type a path names, when this server serves it (404 otherwise). */
export function terminologyType(type: string): TerminologyResourceType {
  if (!RESOURCE_TYPES.has(type)) throw notFound(`Resource type '${type}' is not served here: CodeSystem, ValueSet and ConceptMap are`);
  return type as TerminologyResourceType;
}

/** What the FHIR versions operation answers: this server speaks R4 only. */
export const SERVED_FHIR_VERSION = '4.0';

export function isOperation(type: string, name: string): boolean {
  return `${type}/${name}` in OPERATIONS;
}

const definitions = new Map<string, OperationDefinition>();

function definitionFor(id: string, extraParameters?: OperationDefinitionParameter[]): OperationDefinition {
  const cached = definitions.get(id);
  if (cached) return cached;
  const def = operationDefinition(id);
  if (!def) throw new Error(`OperationDefinition ${id} is missing from conformance/`);
  const effective = extraParameters ? { ...def, parameter: [...(def.parameter ?? []), ...extraParameters] } : def;
  definitions.set(id, effective);
  return effective;
}

/**
 * One operation call, free of Express: what the routes and the batch Bundle entries both turn
 * their requests into.
 */
export interface OperationCall {
  method: string;
  type: string;
  /** `$name` */
  name: string;
  id?: string;
  query: QueryValues;
  /** A parsed JSON body (a Parameters), or form fields when `form` is set. */
  body?: unknown;
  form?: boolean;
  acceptLanguage?: string;
  /** X-Cache-Id: the client's resource cache (see $cache-control) */
  cacheId?: string;
}

/** What operations run against: the content, and the clients' resource caches. */
export interface TerminologyService {
  registry: TerminologyRegistry;
  caches: ResourceCaches;
}

export function operationInput(call: OperationCall): OperationInput {
  const route = OPERATIONS[`${call.type}/${call.name}`];
  return inputFor(definitionFor(route.definition, route.extraParameters), call);
}

/** The input of a system-level operation ([base]/$name) defined in conformance/. */
export function systemOperationInput(definition: string, call: OperationCall): OperationInput {
  return inputFor(definitionFor(definition), call);
}

function inputFor(def: OperationDefinition, call: OperationCall): OperationInput {
  if (call.method === 'GET') return parseQuery(def, call.query);
  if (call.method === 'POST') {
    if (call.form) return parseQuery(def, (call.body ?? {}) as QueryValues);
    if (call.body === undefined) throw new FhirError(415, 'not-supported', 'POST a FHIR Parameters resource as application/fhir+json (or application/json)');
    return parseBody(def, call.body);
  }
  throw methodNotAllowed(`${call.method} is not allowed on ${call.type}/${call.name}: use GET or POST`, ['GET', 'POST']);
}

/** Run `[type]/[id]/$[name]` or `[type]/$[name]`. */
export function runOperationCall(service: TerminologyService, call: OperationCall): FhirResource {
  const { registry, caches } = service;
  if (!isOperation(call.type, call.name)) throw notFound(`Operation ${call.name} is not supported on ${call.type}`);
  const input = operationInput(call);
  let instance: OperationRequest['instance'];
  if (call.id !== undefined) {
    instance = registry.read(call.type as TerminologyResourceType, call.id);
    if (!instance) throw notFound(`${call.type}/${call.id} is not known to this server`);
  }
  return OPERATIONS[`${call.type}/${call.name}`].handler({ input, registry, acceptLanguage: call.acceptLanguage, instance, cacheId: call.cacheId, caches });
}

/** The call an Express request makes. */
export function operationCallOf(req: Request, type: string, name: string, id?: string): OperationCall {
  const call: OperationCall = { method: req.method, type, name, id, query: req.query as QueryValues, acceptLanguage: req.get('accept-language'), cacheId: req.get('x-cache-id') };
  if (req.method === 'POST') {
    const body: unknown = req.body;
    const emptyObject = typeof body === 'object' && body !== null && Object.keys(body).length === 0;
    if (req.is('application/x-www-form-urlencoded')) {
      call.form = true;
      call.body = body;
    } else if (body !== undefined && !(emptyObject && !req.is(['json', 'application/fhir+json']))) {
      call.body = body;
    }
  }
  return call;
}

/** Run `[type]/[id]/$[name]` or `[type]/$[name]` for an Express request. */
export function runOperation(service: TerminologyService, type: string, name: string, req: Request, id?: string): FhirResource {
  return runOperationCall(service, operationCallOf(req, type, name, id));
}
