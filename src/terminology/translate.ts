import type { Coding, ConceptMap, ConceptMapGroup } from 'fhir/r4';
import { canonicalOf } from './compose';
import type { TerminologyRegistry } from './registry';
import { splitCanonical } from './versions';

export type Equivalence = NonNullable<NonNullable<ConceptMapGroup['element'][number]['target']>[number]['equivalence']>;

export interface TranslateInput {
  /** The maps to use: one named by the request, or every map the registry holds. */
  conceptMaps: ConceptMap[];
  codings: Array<{ system?: string; version?: string; code?: string }>;
  /** Source and target value set canonicals (filter maps by scope). */
  source?: string;
  target?: string;
  targetSystem?: string;
  reverse: boolean;
}

export interface TranslateMatch {
  equivalence: Equivalence;
  concept?: Coding;
  source: string;
  comment?: string;
}

export interface TranslateResult {
  result: boolean;
  message?: string;
  matches: TranslateMatch[];
}

const REVERSED: Partial<Record<Equivalence, Equivalence>> = {
  wider: 'narrower',
  narrower: 'wider',
  subsumes: 'specializes',
  specializes: 'subsumes',
};

const NOT_A_MATCH = new Set<Equivalence>(['unmatched', 'disjoint']);

function scopeMatches(wanted: string | undefined, canonical: string | undefined): boolean {
  if (!wanted) return true;
  if (!canonical) return false;
  return splitCanonical(wanted).url === splitCanonical(canonical).url;
}

/** The maps a translate request considers, narrowed by the source/target value sets it names. */
export function candidateMaps(registry: TerminologyRegistry, input: { source?: string; target?: string; reverse: boolean }): ConceptMap[] {
  return registry.all('ConceptMap').filter((cm) => {
    const from = cm.sourceUri ?? cm.sourceCanonical;
    const to = cm.targetUri ?? cm.targetCanonical;
    return input.reverse
      ? scopeMatches(input.source, to) && scopeMatches(input.target, from)
      : scopeMatches(input.source, from) && scopeMatches(input.target, to);
  });
}

/** $translate, forward (source code -> targets) or reverse (target code -> sources). */
export function translate(input: TranslateInput): TranslateResult {
  const matches: TranslateMatch[] = [];
  for (const coding of input.codings) {
    if (!coding.code) continue;
    for (const cm of input.conceptMaps) {
      for (const group of cm.group ?? []) {
        const fromSystem = input.reverse ? group.target : group.source;
        const toSystem = input.reverse ? group.source : group.target;
        if (coding.system && fromSystem !== coding.system) continue;
        if (input.targetSystem && toSystem !== input.targetSystem) continue;
        const toVersion = input.reverse ? group.sourceVersion : group.targetVersion;
        for (const element of group.element) {
          for (const target of element.target ?? []) {
            const fromCode = input.reverse ? target.code : element.code;
            if (fromCode !== coding.code) continue;
            const equivalence = input.reverse ? (REVERSED[target.equivalence] ?? target.equivalence) : target.equivalence;
            const concept: Coding = { system: toSystem };
            if (toVersion) concept.version = toVersion;
            concept.code = input.reverse ? element.code : target.code;
            const display = input.reverse ? element.display : target.display;
            if (display) concept.display = display;
            const match: TranslateMatch = { equivalence, source: canonicalOf(cm) };
            if (concept.code) match.concept = concept;
            if (target.comment) match.comment = target.comment;
            matches.push(match);
          }
        }
        if (!input.reverse && group.unmapped && !group.element.some((e) => e.code === coding.code)) {
          const u = group.unmapped;
          if (u.mode === 'fixed' && u.code) {
            matches.push({ equivalence: 'inexact', concept: { system: toSystem, code: u.code, display: u.display }, source: canonicalOf(cm) });
          } else if (u.mode === 'provided') {
            matches.push({ equivalence: 'equal', concept: { system: toSystem, code: coding.code }, source: canonicalOf(cm) });
          }
        }
      }
    }
  }
  const result = matches.some((m) => !NOT_A_MATCH.has(m.equivalence));
  const out: TranslateResult = { result, matches };
  if (!result) {
    const what = input.codings.map((c) => `${c.system ?? ''}#${c.code ?? ''}`).join(', ');
    out.message = `No ${input.reverse ? 'reverse ' : ''}translation found for ${what}${input.targetSystem ? ` to ${input.targetSystem}` : ''}`;
  }
  return out;
}
