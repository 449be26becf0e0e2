import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { FhirError } from '../../src/fhir/operation-outcome';
import { searchResources, searchsetBundle, summarize } from '../../src/fhir/search';

const cpt: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'cpt',
  meta: { lastUpdated: '2025-01-01T00:00:00Z' },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">CPT</div>' },
  url: 'http://www.ama-assn.org/go/cpt',
  version: '2025',
  name: 'CPT',
  title: 'Current Procedural Terminology (fragment)',
  status: 'active',
  date: '2025-01-01',
  publisher: 'Bone Strength project',
  content: 'fragment',
  concept: [{ code: '0554T', display: 'Bone strength and fracture risk using finite element analysis' }],
};

const icd: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'icd10cm',
  url: 'http://hl7.org/fhir/sid/icd-10-cm',
  version: '2026',
  name: 'ICD10CM',
  title: 'ICD-10-CM',
  status: 'active',
  date: '2025-10-01T00:00:00Z',
  content: 'fragment',
  concept: [{ code: 'M81.0', display: 'Age-related osteoporosis without current pathological fracture' }],
};

const icdOld: CodeSystem = { ...icd, id: 'icd10cm-2025', version: '2025', status: 'retired', date: '2024-10-01' };

const draft: CodeSystem = {
  resourceType: 'CodeSystem',
  id: 'draft',
  url: 'http://example.org/fhir/CodeSystem/bone-strength-extras',
  name: 'BoneStrengthExtras',
  title: 'Öther bone strength codes',
  status: 'draft',
  content: 'complete',
};

const codeSystems = [cpt, icd, icdOld, draft];
const ids = (resources: Array<{ id?: string }>): Array<string | undefined> => resources.map((resource) => resource.id);

const cptToIcd: ConceptMap = {
  resourceType: 'ConceptMap',
  id: 'cpt-to-icd10cm',
  url: 'http://example.org/fhir/ConceptMap/cpt-to-icd10cm',
  version: '1.0.0',
  name: 'CptToIcd10cm',
  status: 'active',
  sourceCanonical: 'http://example.org/fhir/ValueSet/bone-strength-family|1.0.0',
  targetCanonical: 'http://example.org/fhir/ValueSet/bone-strength-diagnoses',
  group: [
    {
      source: 'http://www.ama-assn.org/go/cpt',
      target: 'http://hl7.org/fhir/sid/icd-10-cm',
      element: [{ code: '0554T', target: [{ code: 'M81.0', equivalence: 'relatedto' }] }],
    },
  ],
};

const cptToNucc: ConceptMap = {
  resourceType: 'ConceptMap',
  id: 'cpt-to-nucc',
  url: 'http://example.org/fhir/ConceptMap/cpt-to-nucc',
  name: 'CptToNucc',
  status: 'active',
  sourceUri: 'http://example.org/fhir/ValueSet/bone-strength-family',
  group: [
    {
      source: 'http://www.ama-assn.org/go/cpt',
      target: 'http://nucc.org/provider-taxonomy',
      element: [{ code: '0554T', target: [{ code: '2085R0202X', equivalence: 'relatedto' }] }],
    },
  ],
};

const conceptMaps = [cptToIcd, cptToNucc];

describe('searchResources: CodeSystem', () => {
  it('returns everything when there are no criteria', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, {}))).toEqual(['cpt', 'icd10cm', 'icd10cm-2025', 'draft']);
  });

  it('finds by url, exactly', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { url: 'http://hl7.org/fhir/sid/icd-10-cm' }))).toEqual([
      'icd10cm',
      'icd10cm-2025',
    ]);
    expect(searchResources('CodeSystem', codeSystems, { url: 'http://hl7.org/fhir/sid/icd-10' })).toEqual([]);
  });

  it('finds by url and version (repeated parameters are AND)', () => {
    const found = searchResources('CodeSystem', codeSystems, { url: 'http://hl7.org/fhir/sid/icd-10-cm', version: '2025' });
    expect(ids(found)).toEqual(['icd10cm-2025']);
  });

  it('matches names case-insensitively from the start, or exactly, or anywhere', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { name: 'icd' }))).toEqual(['icd10cm', 'icd10cm-2025']);
    expect(ids(searchResources('CodeSystem', codeSystems, { name: '10CM' }))).toEqual([]);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'name:contains': '10cm' }))).toEqual(['icd10cm', 'icd10cm-2025']);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'name:exact': 'cpt' }))).toEqual([]);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'name:exact': 'CPT' }))).toEqual(['cpt']);
  });

  it('ignores accents in string search', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { title: 'other' }))).toEqual(['draft']);
  });

  it('finds by status, with commas as OR and :not', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { status: 'draft,retired' }))).toEqual(['icd10cm-2025', 'draft']);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'status:not': 'active' }))).toEqual(['icd10cm-2025', 'draft']);
  });

  it('finds by _id and by content-mode', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { _id: 'cpt' }))).toEqual(['cpt']);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'content-mode': 'complete' }))).toEqual(['draft']);
  });

  it('compares dates at their precision', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { date: '2025' }))).toEqual(['cpt', 'icd10cm']);
    expect(ids(searchResources('CodeSystem', codeSystems, { date: 'ge2025-06-01' }))).toEqual(['icd10cm']);
    expect(ids(searchResources('CodeSystem', codeSystems, { date: ['gt2024-12-31', 'lt2025-06'] }))).toEqual(['cpt']);
    expect(ids(searchResources('CodeSystem', codeSystems, { date: 'le2024-10-01' }))).toEqual(['icd10cm-2025']);
  });

  it('supports :missing and :below', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { 'version:missing': 'true' }))).toEqual(['draft']);
    expect(ids(searchResources('CodeSystem', codeSystems, { 'url:below': 'http://example.org/fhir' }))).toEqual(['draft']);
  });

  it('ignores result parameters', () => {
    const query = { _count: '1', _summary: 'true', _format: 'json', _sort: 'name', _elements: 'url', name: 'cpt' };
    expect(ids(searchResources('CodeSystem', codeSystems, query))).toEqual(['cpt']);
  });

  it('ignores an unknown parameter, as FHIR allows', () => {
    expect(ids(searchResources('CodeSystem', codeSystems, { xyz: '1', name: 'cpt' }))).toEqual(['cpt']);
  });

  it('rejects an unknown parameter with a 400 naming it when strict', () => {
    expect(() => searchResources('CodeSystem', codeSystems, { xyz: '1' }, true)).toThrow(
      new FhirError('SEARCH_PARAMETER_UNKNOWN', ['xyz', 'CodeSystem'], { expression: 'xyz' }),
    );
    expect(() => searchResources('CodeSystem', codeSystems, { source: 'x' }, true)).toThrow(/Unknown search parameter 'source'/);
  });

  it('rejects a malformed date and an unsupported modifier with a 400 naming the parameter', () => {
    let error: unknown;
    try {
      searchResources('CodeSystem', codeSystems, { date: 'ge2025-13-01' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(400);
    expect((error as FhirError).expression).toEqual(['date']);
    expect(() => searchResources('CodeSystem', codeSystems, { 'url:sounds-like': 'x' })).toThrow(/Modifier ':sounds-like'/);
  });
});

describe('searchResources: ValueSet', () => {
  const valueSet: ValueSet = {
    resourceType: 'ValueSet',
    id: 'family',
    url: 'http://example.org/fhir/ValueSet/bone-strength-family',
    status: 'active',
    compose: { include: [{ system: 'http://www.ama-assn.org/go/cpt', concept: [{ code: '0554T' }] }] },
  };

  it('finds by included system (reference) and code', () => {
    expect(ids(searchResources('ValueSet', [valueSet], { reference: 'http://www.ama-assn.org/go/cpt' }))).toEqual(['family']);
    expect(ids(searchResources('ValueSet', [valueSet], { code: '0554T' }))).toEqual(['family']);
    expect(ids(searchResources('ValueSet', [valueSet], { code: '0555T' }))).toEqual([]);
  });
});

describe('searchResources: ConceptMap', () => {
  it('finds by source and target code system', () => {
    expect(ids(searchResources('ConceptMap', conceptMaps, { 'source-system': 'http://www.ama-assn.org/go/cpt' }))).toEqual([
      'cpt-to-icd10cm',
      'cpt-to-nucc',
    ]);
    expect(ids(searchResources('ConceptMap', conceptMaps, { 'target-system': 'http://hl7.org/fhir/sid/icd-10-cm' }))).toEqual([
      'cpt-to-icd10cm',
    ]);
  });

  it('finds by source and target value set, with or without a version', () => {
    const family = 'http://example.org/fhir/ValueSet/bone-strength-family';
    expect(ids(searchResources('ConceptMap', conceptMaps, { source: family }))).toEqual(['cpt-to-icd10cm']);
    expect(ids(searchResources('ConceptMap', conceptMaps, { source: `${family}|1.0.0` }))).toEqual(['cpt-to-icd10cm']);
    expect(ids(searchResources('ConceptMap', conceptMaps, { source: `${family}|2.0.0` }))).toEqual([]);
    expect(ids(searchResources('ConceptMap', conceptMaps, { 'source-uri': family }))).toEqual(
      expect.arrayContaining(['cpt-to-nucc']),
    );
    expect(
      ids(searchResources('ConceptMap', conceptMaps, { target: 'http://example.org/fhir/ValueSet/bone-strength-diagnoses' })),
    ).toEqual(['cpt-to-icd10cm']);
  });

  it('finds by source and target code', () => {
    expect(ids(searchResources('ConceptMap', conceptMaps, { 'target-code': '2085R0202X' }))).toEqual(['cpt-to-nucc']);
    expect(ids(searchResources('ConceptMap', conceptMaps, { 'source-code': '0554T' }))).toHaveLength(2);
  });
});

describe('summarize', () => {
  it('keeps the summary elements and tags the result SUBSETTED', () => {
    const summary = summarize(cpt, 'true');
    expect(summary.concept).toBeUndefined();
    expect(summary.text).toBeUndefined();
    expect(summary).toMatchObject({ resourceType: 'CodeSystem', id: 'cpt', url: cpt.url, version: '2025', status: 'active', content: 'fragment' });
    expect(summary.meta?.lastUpdated).toBe('2025-01-01T00:00:00Z');
    expect(summary.meta?.tag).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' }]);
    expect(cpt.concept).toHaveLength(1);
    expect(cpt.meta?.tag).toBeUndefined();
  });

  it('summarises backbone elements by their own isSummary flags', () => {
    const summary = summarize(cptToIcd, 'true');
    expect(summary.sourceCanonical).toBe(cptToIcd.sourceCanonical);
    expect(summary.group).toBeUndefined();
  });

  it('drops only the narrative for data, keeps only narrative and mandatory elements for text', () => {
    const data = summarize(cpt, 'data');
    expect(data.text).toBeUndefined();
    expect(data.concept).toHaveLength(1);
    const text = summarize(cpt, 'text');
    expect(Object.keys(text).sort()).toEqual(['content', 'id', 'meta', 'resourceType', 'status', 'text']);
  });

  it('returns the resource itself for false', () => {
    expect(summarize(cpt, 'false')).toBe(cpt);
  });
});

describe('searchsetBundle', () => {
  it('wraps the matches with fullUrl, search mode and total', () => {
    const bundle = searchsetBundle([cpt, icd], {
      total: 2,
      selfUrl: 'https://tx.example.org/fhir/CodeSystem?status=active',
      baseUrl: 'https://tx.example.org/fhir/',
    });
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 2,
      link: [{ relation: 'self', url: 'https://tx.example.org/fhir/CodeSystem?status=active' }],
    });
    expect(bundle.entry?.map((entry) => [entry.fullUrl, entry.search?.mode])).toEqual([
      ['https://tx.example.org/fhir/CodeSystem/cpt', 'match'],
      ['https://tx.example.org/fhir/CodeSystem/icd10cm', 'match'],
    ]);
  });

  it('has no entry array when nothing matched', () => {
    expect(searchsetBundle([], { total: 0, selfUrl: 'x', baseUrl: 'y' }).entry).toBeUndefined();
  });
});
