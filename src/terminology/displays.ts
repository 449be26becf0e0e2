import type { Coding, Extension } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from './code-system-index';
import { LanguagePreference, MatchDepth, tagMatches } from './languages';
import { STANDARDS_STATUS } from './concept-status';

/** Display selection and display checking by language (languages.ts parses and matches the languages). */

export interface DisplayDesignation {
  value: string;
  language?: string;
  use?: Coding;
  /** The concept's own display rather than one of its designations. */
  primary: boolean;
  /** A designation marked no longer current (standards-status withdrawn or deprecated). */
  inactiveStatus?: string;
  /** The designation's extensions, which an expansion carries over. */
  extension?: Extension[];
}

const INACTIVE_DESIGNATION = new Set(['withdrawn', 'deprecated', 'retired']);

const DISPLAY_USES = new Set(['display', 'preferredForLanguage', '900000000000548007', '900000000000013009', '900000000000003001']);
/** Designation uses that make a designation a display (HL7 display and preferred-for-language, SNOMED CT preferred, synonym, FSN). */
const isDisplayUse = (d: DisplayDesignation): boolean => !d.use || (d.use.code !== undefined && DISPLAY_USES.has(d.use.code));

export interface DisplayMatch {
  found: boolean;
  /** Found, but only as a designation that is no longer current: its status. */
  inactiveStatus?: string;
  /** Found only once whitespace is normalised. */
  whitespace: boolean;
}

const normalized = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The displays and designations of one concept, with the language rules of the HL7 terminology
 * ecosystem: a display with no language suits any request, one in the code system's default
 * language suits a request once the requested languages have nothing of their own.
 */
export class ConceptDisplays {
  constructor(
    readonly items: DisplayDesignation[],
    /** The code system's language: the language of displays that state none. */
    readonly baseLanguage?: string,
  ) {}

  static of(cs: CodeSystemIndex, concept: Concept): ConceptDisplays {
    const items: DisplayDesignation[] = [];
    if (concept.display !== undefined) items.push({ value: concept.display.trim(), language: cs.language, primary: true });
    for (const d of concept.designations) {
      const status = d.extension?.find((e) => e.url === STANDARDS_STATUS)?.valueCode;
      const item: DisplayDesignation = { value: d.value.trim(), language: d.language, use: d.use, primary: false };
      if (status && INACTIVE_DESIGNATION.has(status)) item.inactiveStatus = status;
      items.push(item);
    }
    return new ConceptDisplays(items, cs.language);
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  private static isDisplay(d: DisplayDesignation): boolean {
    return d.primary || isDisplayUse(d);
  }

  private static suits(languages: LanguagePreference[], d: DisplayDesignation, depth: MatchDepth, defaultLanguage?: string): boolean {
    if (defaultLanguage && d.language && tagMatches(defaultLanguage, d.language, 'language')) return true;
    if (!d.language || !languages.length) return true;
    return languages.some((l) => tagMatches(l.tag, d.language as string, depth));
  }

  /** Is `value` one of the displays (any designation) in the languages, case-insensitively? */
  has(languages: LanguagePreference[], value: string, defaultLanguage?: string): DisplayMatch {
    const pool = this.items.filter((d) => d.value && ConceptDisplays.suits(languages, d, 'language', defaultLanguage));
    const same = pool.filter((d) => d.value.toLowerCase() === value.toLowerCase());
    if (same.some((d) => !d.inactiveStatus)) return { found: true, whitespace: false };
    if (same.length) return { found: true, whitespace: false, inactiveStatus: same[0].inactiveStatus };
    return { found: false, whitespace: pool.some((d) => normalized(d.value) === normalized(value)) };
  }

  /** How many displays the languages have, the closest match level that has any. */
  count(languages: LanguagePreference[], displayOnly: boolean): number {
    for (const depth of ['full', 'region', 'language'] as const) {
      const n = this.items.filter((d) => d.value && (!displayOnly || ConceptDisplays.isDisplay(d)) && ConceptDisplays.suits(languages, d, depth)).length;
      if (n > 0) return n;
    }
    return 0;
  }

  /** The displays of the languages (or all of them when the languages have none), for a message. */
  present(languages: LanguagePreference[], displayOnly: boolean): string {
    const render = (d: DisplayDesignation): string => (d.language ? `'${d.value}' (${d.language})` : `'${d.value}'`);
    const usable = this.items.filter((d) => d.value && (!displayOnly || ConceptDisplays.isDisplay(d)));
    let chosen = usable.filter((d) => ConceptDisplays.suits(languages, d, 'language'));
    if (!chosen.length) chosen = usable;
    const list = chosen.map(render);
    if (list.length <= 1) return list.join('');
    return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
  }

  /** The current displays (not inactive designations), quoted, for a message. */
  current(): string {
    return this.items.filter((d) => d.value && !d.inactiveStatus && ConceptDisplays.isDisplay(d)).map((d) => `"${d.value}"`).join(', ');
  }

  /** The display to show in the languages (see chooseDisplay). */
  preferred(languages: LanguagePreference[], wildcardRefused = false): string | undefined {
    return chooseDisplay(this.items, languages, wildcardRefused)?.value;
  }
}

/** The language of a concept's own display when neither the code system nor the value set states one. */
export const DEFAULT_DISPLAY_LANGUAGE = 'en';

/**
 * The display to show, one rule for $lookup, $validate-code and $expand. `items` lists the
 * concept's own display (or the value set's display for it) as `primary`, then its designations
 * (supplements' included). With no languages asked: the own display. Otherwise, each language in
 * order of weight: `*` takes the own display; a tag takes the first item in that language,
 * matched on the whole tag, then language and region, then the language alone ("de-CH" takes
 * "de-CH", then "de-Latn-CH", then "de" or "de-AT"), preferring at each depth the own display,
 * then a designation whose use makes it a display, then any designation. The own display's
 * language is the one stated (value set or code system language), else English; a designation
 * without a language matches no tag. When no language has anything, the own display, as if
 * `*` were asked at a low weight (languages.md), unless the client refused it with `*;q=0`:
 * then nothing.
 */
export function chooseDisplay<T extends DisplayDesignation>(items: readonly T[], languages: LanguagePreference[], wildcardRefused = false): T | undefined {
  const own = items.find((d) => d.primary) ?? items.find(isDisplayUse) ?? items[0];
  const wanted = languages.filter((l) => l.q > 0);
  if (!wanted.length) return own;
  for (const lang of wanted) {
    if (lang.tag === '*') return own;
    for (const depth of ['full', 'region', 'language'] as const) {
      const inLanguage = (d: T): boolean => {
        const actual = d.primary ? (d.language ?? DEFAULT_DISPLAY_LANGUAGE) : d.language;
        return actual !== undefined && tagMatches(lang.tag, actual, depth);
      };
      const hit = items.find((d) => d.primary && inLanguage(d)) ?? items.find((d) => !d.primary && isDisplayUse(d) && inLanguage(d)) ?? items.find(inLanguage);
      if (hit) return hit;
    }
  }
  return wildcardRefused ? undefined : own;
}

/** The display to show for a concept in the preferred languages (falls back to the concept's own display). */
export function preferredDisplay(cs: CodeSystemIndex, concept: Concept, languages: LanguagePreference[], wildcardRefused = false): string | undefined {
  return ConceptDisplays.of(cs, concept).preferred(languages, wildcardRefused);
}
