import { codeSuggestion, nearestText } from '../../src/terminology/code-suggestions';

describe('codeSuggestion', () => {
  const codes = new Set(['M81.0', '0556T', 'Z13.820', 'A00']);
  const exists = (c: string): boolean => codes.has(c);

  it('suggests the dotted form of a code given without its dot', () => {
    expect(codeSuggestion('M810', exists)).toBe('M81.0');
    expect(codeSuggestion('Z13820', exists)).toBe('Z13.820');
  });

  it('suggests the upper-case form, dotted or not', () => {
    expect(codeSuggestion('0556t', exists)).toBe('0556T');
    expect(codeSuggestion('m810', exists)).toBe('M81.0');
    expect(codeSuggestion('m81.0', exists)).toBe('M81.0');
  });

  it('suggests the undotted form when that is the code', () => {
    expect(codeSuggestion('A0.0', exists)).toBe('A00');
  });

  it('suggests nothing when no form is a code, or the code is the only form', () => {
    expect(codeSuggestion('X999', exists)).toBeUndefined();
    expect(codeSuggestion('M81.0', exists)).toBeUndefined();
  });
});

describe('nearestText', () => {
  const urls = ['http://hl7.org/fhir/sid/icd-10-cm', 'http://www.ama-assn.org/go/cpt', 'http://nucc.org/provider-taxonomy'];

  it('finds the nearest within a quarter of the length', () => {
    expect(nearestText('http://hl7.org/fhir/sid/icd10-cm', urls)).toBe('http://hl7.org/fhir/sid/icd-10-cm');
    expect(nearestText('http://www.ama-assn.org/go/CPT', urls)).toBe('http://www.ama-assn.org/go/cpt');
  });

  it('finds nothing when nothing is near', () => {
    expect(nearestText('http://snomed.info/sct', urls)).toBeUndefined();
  });
});
