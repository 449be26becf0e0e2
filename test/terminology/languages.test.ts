import { checkDisplayLanguage, isLanguageTag, parseLanguages, refusedLanguages, tagMatches } from '../../src/terminology/languages';
import { TerminologyError } from '../../src/terminology/issues';

describe('language preferences', () => {
  it('parse the languages asked for by weight, and those refused with q=0', () => {
    expect(parseLanguages('de-CH, de;q=0.8, en;q=0.9, *;q=0')).toEqual([
      { tag: 'de-CH', q: 1 },
      { tag: 'en', q: 0.9 },
      { tag: 'de', q: 0.8 },
    ]);
    expect(refusedLanguages('de, *; q=0')).toEqual(['*']);
    expect(parseLanguages(undefined)).toEqual([]);
  });

  it('match a tag exactly, by language and region, or by language alone', () => {
    expect(tagMatches('en-AU', 'en-au', 'full')).toBe(true);
    expect(tagMatches('en', 'en-AU', 'region')).toBe(true);
    expect(tagMatches('en-NZ', 'en-AU', 'region')).toBe(false);
    expect(tagMatches('en-NZ', 'en-AU', 'language')).toBe(true);
    expect(tagMatches('*', 'fr', 'full')).toBe(true);
  });

  it('refuse a displayLanguage that is not a list of language tags', () => {
    expect(isLanguageTag('zh-Hant-TW')).toBe(true);
    expect(() => checkDisplayLanguage('en, de;q=0.5')).not.toThrow();
    expect(() => checkDisplayLanguage('english please')).toThrow(TerminologyError);
    expect(() => checkDisplayLanguage('english please')).toThrow("Invalid displayLanguage: 'english please'");
  });
});
