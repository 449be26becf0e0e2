import type { CodeSystem, Parameters, ParametersParameter } from 'fhir/r4';
import type { PropertyValue } from '../../terminology/code-system-index';
import { lookup, LookupResult } from '../../terminology/lookup';
import { badRequest } from '../operation-outcome';
import { parameters, parts } from '../parameters';
import { languagesOf, OperationRequest, requestRegistry } from './context';

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

/** CodeSystem/$lookup: system+code, or coding; at instance level the system is the instance's. */
export function lookupOperation(request: OperationRequest): Parameters {
  const { input } = request;
  const coding = input.coding('coding');
  const instance = request.instance as CodeSystem | undefined;
  const system = coding?.system ?? input.string('system') ?? instance?.url;
  const code = coding?.code ?? input.string('code');
  if (!code) throw badRequest("Parameter 'code' (or 'coding') is required for $lookup", 'code');
  if (!system) throw badRequest("Parameter 'system' is required for $lookup: the code system of the code", 'system');
  const result = lookup(requestRegistry(request), {
    system,
    version: coding?.version ?? input.string('version') ?? instance?.version,
    code,
    languages: languagesOf(request),
    properties: input.strings('property'),
    useSupplements: input.strings('useSupplement'),
  });
  return render(result);
}
