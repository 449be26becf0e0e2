import type { CodeSystem, Coding, Parameters, ParametersParameter } from 'fhir/r4';
import type { PropertyValue } from '../../terminology/code-system-index';
import { lookup, LookupDesignation, LookupProperty, LookupResult } from '../../terminology/lookup';
import { hintingConcepts } from '../error-hints';
import { clientError } from '../operation-outcome';
import { codingFrom } from './coding-input';
import { EcosystemInput, languagesOf, OperationRequest, requestRegistry } from './context';

/** A property's `value` part, its element named for the value's type. */
function propertyValuePart(value: PropertyValue): ParametersParameter {
  switch (value.type) {
    case 'code':
      return { name: 'value', valueCode: value.value };
    case 'Coding':
      return { name: 'value', valueCoding: value.value };
    case 'string':
      return { name: 'value', valueString: value.value };
    case 'integer':
      return { name: 'value', valueInteger: value.value };
    case 'boolean':
      return { name: 'value', valueBoolean: value.value };
    case 'dateTime':
      return { name: 'value', valueDateTime: value.value };
    case 'decimal':
      return { name: 'value', valueDecimal: value.value };
  }
}

function designationParameter(d: LookupDesignation): ParametersParameter {
  const part: ParametersParameter[] = [];
  if (d.language !== undefined) part.push({ name: 'language', valueCode: d.language });
  if (d.use !== undefined) part.push({ name: 'use', valueCoding: d.use });
  if (d.source !== undefined) part.push({ name: 'source', valueCanonical: d.source });
  part.push({ name: 'value', valueString: d.value });
  return { name: 'designation', part };
}

function propertyParameter(p: LookupProperty): ParametersParameter {
  const code = { name: 'code', valueCode: p.code };
  const value = propertyValuePart(p.value);
  return { name: 'property', part: p.description === undefined ? [code, value] : [code, value, { name: 'description', valueString: p.description }] };
}

/** The answer, built as it is sent (a lookup is answered thousands of times a second: no intermediate lists). */
function render(result: LookupResult): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'name', valueString: result.name },
    { name: 'system', valueUri: result.system },
    { name: 'code', valueCode: result.code },
  ];
  if (result.version !== undefined) parameter.push({ name: 'version', valueString: result.version });
  if (result.display !== undefined) parameter.push({ name: 'display', valueString: result.display });
  if (result.definition !== undefined) parameter.push({ name: 'definition', valueString: result.definition });
  parameter.push({ name: 'abstract', valueBoolean: result.abstract });
  for (const d of result.designations) parameter.push(designationParameter(d));
  for (const s of result.usedSupplements) parameter.push({ name: 'used-supplement', valueCanonical: s });
  for (const p of result.properties) parameter.push(propertyParameter(p));
  return { resourceType: 'Parameters', parameter };
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
  const { languages, wildcardRefused } = languagesOf(request);
  const result = hintingConcepts(registry, [asked], () =>
    lookup(registry, { system: asked.system, version: asked.version, code: asked.code, languages, wildcardRefused, properties: input.property ?? [], useSupplements: input.useSupplement ?? [] }),
  );
  return render(result);
}
