import { chooseDisplay, DisplayDesignation } from '../../src/terminology/displays';
import { parseLanguages } from '../../src/terminology/languages';

const own = (value: string, language?: string): DisplayDesignation => ({ value, language, primary: true });
const designation = (value: string, language?: string, use?: string): DisplayDesignation => ({
  value,
  language,
  primary: false,
  use: use ? { system: 'http://terminology.hl7.org/CodeSystem/designation-usage', code: use } : undefined,
});
const chosen = (items: DisplayDesignation[], header?: string, refused = false): string | undefined => chooseDisplay(items, parseLanguages(header), refused)?.value;

describe('chooseDisplay: the one rule for the display to show', () => {
  const hello = [own('Hello'), designation('Hello there', 'en'), designation('Servus', 'de-AT'), designation('Grüezi', 'de-Latn-CH'), designation('Hallo', 'de')];

  it('shows the own display when no language is asked for, or when `*` comes first', () => {
    expect(chosen(hello)).toBe('Hello');
    expect(chosen(hello, '*, de;q=0.5')).toBe('Hello');
  });

  it('takes the own display of a code system that states no language as English, before an English designation', () => {
    expect(chosen(hello, 'en')).toBe('Hello');
    expect(chosen([own('Hallo', 'de'), designation('Hello there', 'en')], 'en')).toBe('Hello there');
  });

  it('matches the whole tag, then language and region, then the language alone', () => {
    expect(chosen(hello, 'de-CH')).toBe('Grüezi');
    expect(chosen(hello, 'de-AT')).toBe('Servus');
    expect(chosen(hello, 'de')).toBe('Hallo');
    expect(chosen(hello, 'de-DE')).toBe('Servus');
  });

  it('follows the weights: the first language that has anything wins', () => {
    expect(chosen(hello, 'fr;q=0.9, de;q=0.8, en;q=0.5')).toBe('Hallo');
    expect(chosen(hello, 'en;q=0.4, de;q=0.8')).toBe('Hallo');
  });

  it('prefers, in one language, a designation whose use makes it a display over another', () => {
    const items = [own('Hello', 'en'), designation('Abk.', 'de', 'other'), designation('Hallo', 'de', 'display')];
    expect(chosen(items, 'de')).toBe('Hallo');
    expect(chosen([own('Hello', 'en'), designation('Abk.', 'de', 'other')], 'de')).toBe('Abk.');
  });

  it('falls back to the own display when nothing is in the languages, unless every other language is refused', () => {
    expect(chosen(hello, 'fr')).toBe('Hello');
    expect(chosen(hello, 'fr', true)).toBeUndefined();
    expect(chosen(hello, 'de', true)).toBe('Hallo');
  });

  it('has nothing to show for a concept without displays', () => {
    expect(chosen([], 'de')).toBeUndefined();
    expect(chosen([designation('Hallo', 'de')])).toBe('Hallo');
  });
});
