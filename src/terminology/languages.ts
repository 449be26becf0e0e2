import { issue, TerminologyError } from './issues';

/**
 * Language preferences, as displayLanguage and Accept-Language give them ("de-CH, de;q=0.8,
 * en;q=0.5, *;q=0"): one parser and one matcher for every operation.
 */
export interface LanguagePreference {
  tag: string;
  q: number;
}

interface ParsedEntry extends LanguagePreference {
  wellFormed: boolean;
}

function parseEntries(header: string): ParsedEntry[] {
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const t = (tag ?? '').trim();
      return { tag: t, q: q ? Number(q.slice(2)) : 1, wellFormed: isLanguageTag(t) };
    })
    .filter((l) => l.tag && !Number.isNaN(l.q));
}

/** The languages asked for (weight above 0), highest weight first. */
export function parseLanguages(header: string | undefined): LanguagePreference[] {
  if (!header) return [];
  return parseEntries(header)
    .filter((l) => l.q > 0)
    .map(({ tag, q }) => ({ tag, q }))
    .sort((a, b) => b.q - a.q);
}

/** The languages refused (`q=0`); `*` among them means "nothing outside the languages asked for". */
export function refusedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return parseEntries(header)
    .filter((l) => l.q === 0)
    .map((l) => l.tag);
}

/** Does the client refuse every language it did not ask for (`*;q=0`), rather than take the default display? */
export function othersRefused(header: string | undefined): boolean {
  return refusedLanguages(header).includes('*');
}

/** A well-formed BCP 47 tag (or `*`), as displayLanguage and Accept-Language entries must be. */
export function isLanguageTag(tag: string): boolean {
  return tag === '*' || /^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$/.test(tag);
}

/** A displayLanguage parameter must be a list of language tags: any operation refuses another value the same way. */
export function checkDisplayLanguage(displayLanguage: string | undefined): void {
  if (displayLanguage === undefined) return;
  const tags = displayLanguage.split(',').map((t) => (t.trim().split(';')[0] ?? '').trim());
  if (tags.some((t) => !isLanguageTag(t))) throw new TerminologyError(issue('INVALID_DISPLAY_NAME', [displayLanguage]));
}

/** How closely a requested language must match: the whole tag, language and region, or the language alone. */
export type MatchDepth = 'full' | 'region' | 'language';

function subtags(tag: string): { language: string; region?: string } {
  const parts = tag.toLowerCase().split('-');
  const region = parts.slice(1).find((p) => /^([a-z]{2}|\d{3})$/.test(p));
  return { language: parts[0] ?? '', region };
}

/** Does a designation in `actual` answer a request for `requested`, at the given depth? `*` answers to anything. */
export function tagMatches(requested: string, actual: string, depth: MatchDepth): boolean {
  if (requested === '*') return true;
  if (depth === 'full') return requested.toLowerCase() === actual.toLowerCase();
  const r = subtags(requested);
  const a = subtags(actual);
  if (r.language !== a.language) return false;
  return depth === 'language' || r.region === undefined || r.region === a.region;
}
