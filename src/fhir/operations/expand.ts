import type { ValueSet } from 'fhir/r4';
import { expandValueSet } from '../../terminology/expand';
import { badRequest } from '../operation-outcome';
import { displayLanguageOf, OperationRequest, requestRegistry, targetValueSet, valueSetVersionsOf, versionRulesOf } from './context';

export const DEFAULT_MAX_EXPANSION = 10000;
/** Concepts one response may return without count/offset paging. */
export const MAX_RETURNED = 1000;

/** ValueSet/$expand by url(+valueSetVersion), valueSet, or instance. */
export function expandOperation(request: OperationRequest, maxEntries = DEFAULT_MAX_EXPANSION): ValueSet {
  const { input } = request;
  const registry = requestRegistry(request);
  const valueSet = targetValueSet(request, registry, 'to expand');
  const count = input.integer('count');
  const offset = input.integer('offset');
  if (count !== undefined && count < 0) throw badRequest("Parameter 'count' must not be negative", 'count');
  if (offset !== undefined && offset < 0) throw badRequest("Parameter 'offset' must not be negative", 'offset');
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
    displayLanguage: displayLanguageOf(request) ?? request.acceptLanguage,
    versionRules: versionRulesOf(input),
    valueSetVersions: valueSetVersionsOf(input),
    useSupplements: input.strings('useSupplement'),
    // The engine reports the parameters it applied, version rules included.
    echo: [],
    maxEntries,
    maxReturned: MAX_RETURNED,
  });
}
