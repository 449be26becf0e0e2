import type { ValueSet } from 'fhir/r4';
import { expandValueSet } from '../../terminology/expand';
import { TerminologyError } from '../../terminology/issues';
import { HintedError, withHint } from '../error-hints';
import { clientError } from '../operation-outcome';
import { displayLanguageOf, EcosystemInput, OperationRequest, requestRegistry, targetValueSet, ValueSetTargetInput, valueSetVersionsOf, versionRulesOf } from './context';

export const DEFAULT_MAX_EXPANSION = 10000;
/** Concepts one response may return without count/offset paging. */
export const MAX_RETURNED = 1000;

/** The input of ValueSet/$expand (its OperationDefinition, and the ecosystem's). */
export interface ExpandParameters extends EcosystemInput, ValueSetTargetInput {
  context?: string;
  contextDirection?: string;
  filter?: string;
  date?: string;
  offset?: number;
  count?: number;
  includeDesignations?: boolean;
  designation?: string[];
  includeDefinition?: boolean;
  excludeNested?: boolean;
  excludeNotForUI?: boolean;
  excludePostCoordinated?: boolean;
  displayLanguage?: string;
  'exclude-system'?: string[];
}

/** ValueSet/$expand by url(+valueSetVersion), valueSet, or instance. */
export function expandOperation(request: OperationRequest<ExpandParameters>, maxEntries = DEFAULT_MAX_EXPANSION): ValueSet {
  const { input } = request;
  const registry = requestRegistry(request);
  const valueSet = targetValueSet(request, registry, 'to expand');
  const { count, offset } = input;
  if (count !== undefined && count < 0) throw clientError('PARAMETER_NEGATIVE', ['count'], 'count');
  if (offset !== undefined && offset < 0) throw clientError('PARAMETER_NEGATIVE', ['offset'], 'offset');
  // too many concepts for one answer: say what the limit is and how to page
  const pagingHint = `At most ${MAX_RETURNED} concepts are returned at once${count !== undefined && count > MAX_RETURNED ? ` (count was ${count})` : ''}: page through the expansion with 'count' (at most ${MAX_RETURNED}) and 'offset'.`;
  const expand = (): ValueSet => expandValueSet(registry, {
    valueSet,
    filter: input.filter,
    count,
    offset,
    activeOnly: input.activeOnly,
    includeDesignations: input.includeDesignations,
    includeDefinition: input.includeDefinition,
    excludeNested: input.excludeNested,
    excludeNotForUI: input.excludeNotForUI,
    excludePostCoordinated: input.excludePostCoordinated,
    designations: input.designation ?? [],
    properties: input.property ?? [],
    displayLanguage: displayLanguageOf(request) ?? request.acceptLanguage,
    versionRules: versionRulesOf(input),
    valueSetVersions: valueSetVersionsOf(input),
    useSupplements: input.useSupplement ?? [],
    // The engine reports the parameters it applied, version rules included.
    echo: [],
    maxEntries,
    maxReturned: MAX_RETURNED,
  });
  try {
    return expand();
  } catch (e) {
    // the engine's refusal names the limit it hit: this one, not the whole expansion's (maxEntries)
    if (e instanceof TerminologyError && e.issue.type === 'too-costly' && e.issue.text.endsWith(`(>${MAX_RETURNED})`)) throw new HintedError(e, withHint(pagingHint));
    throw e;
  }
}
