import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { writePrecompiledDefinitions } from '../../src/fhir/precompile-definitions';
import { validateResource } from '../../src/fhir/resource-validation';

/** The build step's standalone validators judge resources as the validators compiled at run time do. */
describe('precompiled definitions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'definitions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writePrecompiledDefinitions(dir);
  const validators = require(path.join(dir, 'schema-validators.js')) as Record<string, ValidateFunction>;

  const samples: Array<[string, Record<string, unknown>]> = [
    ['a valid CodeSystem', { resourceType: 'CodeSystem', status: 'active', content: 'complete', concept: [{ code: 'a' }] }],
    ['a CodeSystem with a wrong type', { resourceType: 'CodeSystem', status: 'active', content: 'complete', concept: [{ code: 'a', property: [{ code: 'p', valueBoolean: 'yes' }] }] }],
    ['a ValueSet with a bad status', { resourceType: 'ValueSet', status: 'bogus' }],
    ['a valid ConceptMap', { resourceType: 'ConceptMap', status: 'active', group: [{ element: [{ code: 'a', target: [{ code: 'b', equivalence: 'equal' }] }] }] }],
  ];

  it.each(samples)('%s', (_name, resource) => {
    const precompiled = validators[String(resource.resourceType)];
    const schemaErrors = validateResource(resource, 'structure').length;
    expect(precompiled(resource)).toBe(schemaErrors === 0);
  });

  it('extracts the StructureDefinitions of the core types', () => {
    const definitions = JSON.parse(readFileSync(path.join(dir, 'structure-definitions.json'), 'utf8')) as Array<{ id: string }>;
    expect(definitions.map((d) => d.id)).toEqual(expect.arrayContaining(['CodeSystem', 'ValueSet', 'ConceptMap']));
  });
});
