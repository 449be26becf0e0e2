import type { CodeSystem, Coding, Parameters, ParametersParameter } from 'fhir/r4';
import type { PropertyValue } from '../../terminology/code-system-index';
import { lookup, LookupResult } from '../../terminology/lookup';
import { hintingConcepts } from '../error-hints';
import { clientError } from '../operation-outcome';
import { parameters, parts } from '../parameters';
import { codingFrom } from './coding-input';
import { EcosystemInput, languagesOf, OperationRequest, requestRegistry } from './context';

export function propertyValueParameter(value: PropertyValue): Partial<ParametersParameter> {
  switch (value.type) {
    case 'code':
      return { valueCode: value.value };
    case 'Coding':
      return { valueCoding: value.value };
    case 'string':
      return { valueString: value.value };
    case 'integer':
      return { valueInteger: value.value };
    case 'boolean':
      return { valueBoolean: value.value };
    case 'dateTime':
      return { valueDateTime: value.value };
    case 'decimal':
      return { valueDecimal: value.value };
  }
}

function render(result: LookupResult): Parameters {
  return parameters([
    { name: 'name', valueString: result.name },
    { name: 'system', valueUri: result.system },
    { name: 'code', valueCode: result.code },
    result.version !== undefined && { name: 'version', valueString: result.version },
    result.display !== undefined && { name: 'display', valueString: result.display },
    result.definition !== undefined && { name: 'definition', valueString: result.definition },
    { name: 'abstract', valueBoolean: result.abstract },
    ...result.designations.map((d) => ({
      name: 'designation',
      part: parts([
        d.language !== undefined && { name: 'language', valueCode: d.language },
        d.use !== undefined && { name: 'use', valueCoding: d.use },
        d.source !== undefined && { name: 'source', valueCanonical: d.source },
        { name: 'value', valueString: d.value },
      ]),
    })),
    ...result.usedSupplements.map((s) => ({ name: 'used-supplement', valueCanonical: s })),
    ...result.properties.map((p) => ({
      name: 'property',
      part: parts([
        { name: 'code', valueCode: p.code },
        { name: 'value', ...propertyValueParameter(p.value) },
        p.description !== undefined && { name: 'description', valueString: p.description },
      ]),
    })),
  ]);
}

/** The input of CodeSystem/$lookup (its OperationDefinition, and the ecosystem's). */
export interface LookupParameters extends EcosystemInput {
  code?: string;
  system?: string;
  version?: string;
  coding?: Coding;
  date?: string;
  displayLanguage?: string;
}

/** CodeSystem/$lookup: system+code, or coding; at instance level the system is the instance's. */
export function lookupOperation(request: OperationRequest<LookupParameters>): Parameters {
  const { input } = request;
  const instance = request.instance as CodeSystem | undefined;
  const given = codingFrom(input, { code: 'code', coding: 'coding' })?.codings[0];
  if (!given?.code) throw clientError('LOOKUP_CODE_REQUIRED', [], 'code');
  const system = given.system ?? input.system ?? instance?.url;
  if (!system) throw clientError('LOOKUP_SYSTEM_REQUIRED', [], 'system');
  const registry = requestRegistry(request);
  const asked = { system, version: given.version ?? input.version ?? instance?.version, code: given.code };
  const result = hintingConcepts(registry, [asked], () =>
    lookup(registry, { ...asked, ...languagesOf(request), properties: input.property ?? [], useSupplements: input.useSupplement ?? [] }),
  );
  return render(result);
}
