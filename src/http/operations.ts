import type { Request } from 'express';
import type { OperationDefinition, Resource } from 'fhir/r4';
import { operationDefinition } from '../fhir/capabilities';
import { FhirError, notFound } from '../fhir/operation-outcome';
import { expandOperation } from '../fhir/operations/expand';
import type { OperationRequest } from '../fhir/operations/context';
import { lookupOperation } from '../fhir/operations/lookup';
import { subsumesOperation } from '../fhir/operations/subsumes';
import { translateOperation } from '../fhir/operations/translate';
import { codeSystemValidateCodeOperation, valueSetValidateCodeOperation } from '../fhir/operations/validate-code';
import { OperationInput, parseBody, parseQuery, QueryValues } from '../fhir/parameters';
import type { TerminologyRegistry, TerminologyResourceType } from '../terminology/registry';

type Handler = (request: OperationRequest) => Resource;

interface OperationRoute {
  definition: string;
  handler: Handler;
}

/** Which operation answers `[type]/$[name]`, and the official definition its parameters follow. */
const OPERATIONS: Record<string, OperationRoute> = {
  'CodeSystem/$lookup': { definition: 'CodeSystem-lookup', handler: lookupOperation },
  'CodeSystem/$validate-code': { definition: 'CodeSystem-validate-code', handler: codeSystemValidateCodeOperation },
  'CodeSystem/$subsumes': { definition: 'CodeSystem-subsumes', handler: subsumesOperation },
  'ValueSet/$expand': { definition: 'ValueSet-expand', handler: (r) => expandOperation(r) },
  'ValueSet/$validate-code': { definition: 'ValueSet-validate-code', handler: valueSetValidateCodeOperation },
  'ConceptMap/$translate': { definition: 'ConceptMap-translate', handler: translateOperation },
};

export function isOperation(type: string, name: string): boolean {
  return `${type}/${name}` in OPERATIONS;
}

function definitionFor(id: string): OperationDefinition {
  const def = operationDefinition(id);
  if (!def) throw new Error(`OperationDefinition ${id} is missing from conformance/`);
  return def;
}

export function operationInput(type: string, name: string, req: Request): OperationInput {
  const def = definitionFor(OPERATIONS[`${type}/${name}`].definition);
  if (req.method === 'GET') return parseQuery(def, req.query as QueryValues);
  if (req.method === 'POST') {
    if (req.body === undefined || (typeof req.body === 'object' && req.body !== null && Object.keys(req.body).length === 0 && !req.is(['json', 'application/fhir+json']))) {
      // a form-encoded POST carries the parameters like a query
      if (req.is('application/x-www-form-urlencoded')) return parseQuery(def, req.body as QueryValues);
      throw new FhirError(415, 'not-supported', 'POST a FHIR Parameters resource as application/fhir+json (or application/json)');
    }
    return parseBody(def, req.body);
  }
  throw new FhirError(405, 'not-supported', `${req.method} is not allowed on ${type}/${name}: use GET or POST`);
}

/** Run `[type]/[id]/$[name]` or `[type]/$[name]`. */
export function runOperation(registry: TerminologyRegistry, type: string, name: string, req: Request, id?: string): Resource {
  const input = operationInput(type, name, req);
  let instance: OperationRequest['instance'];
  if (id !== undefined) {
    instance = registry.read(type as TerminologyResourceType, id);
    if (!instance) throw notFound(`${type}/${id} is not known to this server`);
  }
  return OPERATIONS[`${type}/${name}`].handler({ input, registry, acceptLanguage: req.get('accept-language'), instance });
}
