import type { ValueSet, ValueSetExpansionParameter } from 'fhir/r4';
import { resolveValueSet } from '../../terminology/compose';
import { expandValueSet } from '../../terminology/expand';
import { unknownValueSet } from '../../terminology/validate-code';
import { badRequest } from '../operation-outcome';
import { OperationRequest, requestRegistry, sentResource, versionRulesOf } from './context';

/** Version-rule parameters, echoed verbatim; the engine echoes the expansion parameters it applies. */
const VERSION_RULES = ['system-version', 'check-system-version', 'force-system-version'];

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
  const echoed: ValueSetExpansionParameter[] = input
    .entries()
    .filter(([name, value]) => VERSION_RULES.includes(name) && typeof value === 'string')
    .map(([name, value]) => ({ name, valueUri: String(value) }));
  return expandValueSet(registry, {
    valueSet,
    filter: input.string('filter'),
    count,
    offset,
    activeOnly: input.boolean('activeOnly'),
    includeDesignations: input.boolean('includeDesignations'),
    includeDefinition: input.boolean('includeDefinition'),
    excludeNested: input.boolean('excludeNested'),
    excludeNotForUI: input.boolean('excludeNotForUI'),
    excludePostCoordinated: input.boolean('excludePostCoordinated'),
    designations: input.strings('designation'),
    properties: input.strings('property'),
    displayLanguage: input.string('displayLanguage') ?? request.acceptLanguage,
    versionRules: versionRulesOf(input),
    echo: echoed,
    maxEntries,
  });
}
