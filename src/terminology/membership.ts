import type { ValueSetComposeInclude, ValueSetComposeIncludeConcept } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { CompiledFilter, compileFilter } from './filters';

/**
 * What one compose.include (or exclude) selects from its code system: the one rule that value set
 * compilation ($expand, membership, $translate scopes) and $validate-code's reports both follow.
 * Codes are matched by the code system's case rule (CodeSystemIndex.get): in a case-insensitive
 * system an include listing `red` selects the concept `red` whether asked as `red` or `RED`.
 */

/** The include's entry for a concept it lists (compose.include.concept), or undefined. */
export function listedEntry(cs: CodeSystemIndex, include: ValueSetComposeInclude, concept: Concept): ValueSetComposeIncludeConcept | undefined {
  return include.concept?.find((c) => c.code === concept.code || cs.get(c.code) === concept);
}

/** The include's filters, compiled against its code system (an unknown property or operator throws). */
export function includeFilters(cs: CodeSystemIndex, include: ValueSetComposeInclude): CompiledFilter[] {
  return (include.filter ?? []).map((f) => compileFilter(cs, f));
}

/**
 * Does the include select the concept? A concept list selects what it lists; filters select what
 * passes all of them; an include with neither selects the whole code system (R4 vsd-3 forbids a
 * list and filters together).
 */
export function includeSelects(cs: CodeSystemIndex, include: ValueSetComposeInclude, concept: Concept, filters = includeFilters(cs, include)): boolean {
  if (include.concept) return listedEntry(cs, include, concept) !== undefined;
  return filters.every((f) => f.test(concept));
}
