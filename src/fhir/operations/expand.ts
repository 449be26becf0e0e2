import type { ValueSet, ValueSetExpansionParameter } from 'fhir/r4';
import { resolveValueSet } from '../../terminology/compose';
import { expandValueSet } from '../../terminology/expand';
import { unknownValueSet } from '../../terminology/validate-code';
import { badRequest } from '../operation-outcome';
import type { ParameterValue } from '../parameters';
import { languagesOf, OperationRequest, requestRegistry, sentResource, versionRulesOf } from './context';

/** Parameters echoed in expansion.parameter, as the ecosystem expects. */
const ECHOED = new Set([
  'filter', 'count', 'offset', 'activeOnly', 'includeDesignations', 'includeDefinition', 'excludeNested', 'displayLanguage',
  'designation', 'property', 'system-version', 'check-system-version', 'force-system-version', 'excludeNotForUI', 'excludePostCoordinated',
]);

function echo(name: string, value: ParameterValue): ValueSetExpansionParameter | undefined {
  if (typeof value === 'boolean') return { name, valueBoolean: value };
  if (typeof value === 'number') return { name, valueInteger: value };
  if (typeof value !== 'string') return undefined;
  if (name.endsWith('system-version')) return { name, valueUri: value };
  if (name === 'displayLanguage') return { name, valueCode: value };
  return { name, valueString: value };
}

export const DEFAULT_MAX_EXPANSION = 10000;

/** ValueSet/$expand by url(+valueSetVersion), valueSet, or instance. */
export function expandOperation(request: OperationRequest, maxEntries = DEFAULT_MAX_EXPANSION): ValueSet {
  const { input } = request;
  const registry = requestRegistry(request);
  let valueSet = sentResource<ValueSet>(input, 'valueSet') ?? (request.instance as ValueSet | undefined);
  if (!valueSet) {
    const url = input.string('url');
    if (!url) throw badRequest("Parameter 'url' (or 'valueSet') is required: the value set to expand", 'url');
    const version = input.string('valueSetVersion');
    valueSet = resolveValueSet(registry, url, version);
    if (!valueSet) throw unknownValueSet(version ? `${url}|${version}` : url);
  }
  const count = input.integer('count');
  const offset = input.integer('offset');
  if (count !== undefined && count < 0) throw badRequest("Parameter 'count' must not be negative", 'count');
  if (offset !== undefined && offset < 0) throw badRequest("Parameter 'offset' must not be negative", 'offset');
  const echoed = input
    .entries()
    .filter(([name]) => ECHOED.has(name))
    .map(([name, value]) => echo(name, value))
    .filter((p): p is ValueSetExpansionParameter => !!p);
  return expandValueSet(registry, {
    valueSet,
    filter: input.string('filter'),
    count,
    offset,
    activeOnly: input.boolean('activeOnly'),
    includeDesignations: input.boolean('includeDesignations'),
    includeDefinition: input.boolean('includeDefinition'),
    excludeNested: input.boolean('excludeNested'),
    designations: input.strings('designation'),
    properties: input.strings('property'),
    languages: languagesOf(request),
    versionRules: versionRulesOf(input),
    echo: echoed,
    maxEntries,
  });
}
