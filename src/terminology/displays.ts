import type { CodeSystemIndex, Concept } from './code-system-index';

/**
 * Display selection and display checking by language. A language list is the parsed form of
 * displayLanguage or Accept-Language ("de-CH, de;q=0.8, en;q=0.5").
 */

export interface LanguagePreference {
  tag: string;
  q: number;
}

export function parseLanguages(header: string | undefined): LanguagePreference[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((l) => l.tag && !Number.isNaN(l.q) && l.q > 0)
    .sort((a, b) => b.q - a.q);
}

/** Does a designation language satisfy a requested tag? `en` accepts `en-AU`; `*` accepts anything. */
export function languageMatches(requested: string, actual: string | undefined): boolean {
  if (requested === '*') return true;
  if (!actual) return false;
  const r = requested.toLowerCase();
  const a = actual.toLowerCase();
  return a === r || a.startsWith(`${r}-`) || r.startsWith(`${a}-`);
}

export interface DisplayCandidate {
  value: string;
  language?: string;
}

/** Displays a concept has: its display (in the code system's language) and its designations. */
export function displayCandidates(cs: CodeSystemIndex, concept: Concept): DisplayCandidate[] {
  const out: DisplayCandidate[] = [];
  if (concept.display !== undefined) out.push({ value: concept.display, language: cs.language });
  for (const d of concept.designations) {
    if (d.use && d.use.code !== 'display' && d.use.code !== '900000000000013009' && d.use.code !== '900000000000003001') continue;
    if (!out.some((o) => o.value === d.value && o.language === d.language)) out.push({ value: d.value, language: d.language });
  }
  return out;
}

/** The display to show for a concept in the preferred languages (falls back to the concept's own display). */
export function preferredDisplay(cs: CodeSystemIndex, concept: Concept, languages: LanguagePreference[]): string | undefined {
  for (const pref of languages) {
    if (pref.tag === '*') break;
    if (concept.display !== undefined && languageMatches(pref.tag, cs.language ?? 'en') && (cs.language || pref.tag.startsWith('en'))) {
      return concept.display;
    }
    const d = concept.designations.find((x) => languageMatches(pref.tag, x.language) && (!x.use || x.use.code === 'display'));
    if (d) return d.value;
  }
  return concept.display;
}

export const normalizeSpace = (s: string): string => s.trim().replace(/\s+/g, ' ');
