import { readFileSync } from 'node:fs';
import { r4DefinitionsFile } from '../../src/fhir/definitions';
import type { Bundle, OperationDefinition } from 'fhir/r4';
import {
  capabilityStatement,
  conformanceDir,
  operationDefinition,
  operationDefinitions,
  terminologyCapabilities,
} from '../../src/fhir/capabilities';

describe('capabilityStatement', () => {
  const statement = capabilityStatement({
    baseUrl: 'https://tx.example.org/fhir/',
    softwareVersion: '1.2.3',
    date: '2025-01-02',
  });

  it('fills the template with the runtime values', () => {
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.kind).toBe('instance');
    expect(statement.status).toBe('active');
    expect(statement.date).toBe('2025-01-02');
    expect(statement.instantiates).toEqual(['http://hl7.org/fhir/CapabilityStatement/terminology-server']);
    expect(statement.software).toEqual({ name: 'Bone Strength Terminology Service', version: '1.2.3', releaseDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(statement.implementation?.url).toBe('https://tx.example.org/fhir');
  });

  it('names every operation by its official canonical, and each one is served from conformance/', () => {
    const resources = statement.rest?.[0]?.resource ?? [];
    const operations = resources.flatMap((resource) =>
      (resource.operation ?? []).map((operation) => `${resource.type} ${operation.name} ${operation.definition}`),
    );
    expect(operations).toEqual([
      'CodeSystem lookup http://hl7.org/fhir/OperationDefinition/CodeSystem-lookup',
      'CodeSystem validate-code http://hl7.org/fhir/OperationDefinition/CodeSystem-validate-code',
      'CodeSystem subsumes http://hl7.org/fhir/OperationDefinition/CodeSystem-subsumes',
      'ValueSet expand http://hl7.org/fhir/OperationDefinition/ValueSet-expand',
      'ValueSet validate-code http://hl7.org/fhir/OperationDefinition/ValueSet-validate-code',
      'ValueSet batch-validate-code http://fhir.bone-strength.org/OperationDefinition/ValueSet-batch-validate-code',
      'ConceptMap translate http://hl7.org/fhir/OperationDefinition/ConceptMap-translate',
    ]);
    const served = new Set(operationDefinitions().map((definition) => definition.url));
    for (const resource of resources) {
      for (const operation of resource.operation ?? []) expect(served).toContain(operation.definition);
    }
    for (const operation of statement.rest?.[0]?.operation ?? []) expect(served).toContain(operation.definition);
  });

  it('declares the system-level batch interaction, $versions and $cache-control', () => {
    expect(statement.rest?.[0]?.interaction?.map((interaction) => interaction.code)).toEqual(['batch']);
    expect(statement.rest?.[0]?.operation).toEqual([
      { name: 'versions', definition: 'http://hl7.org/fhir/OperationDefinition/CapabilityStatement-versions' },
      { name: 'cache-control', definition: 'http://fhir.bone-strength.org/OperationDefinition/cache-control' },
    ]);
  });

  it('declares the ecosystem features: the test suite it is scored against, and code systems accepted as tx-resource', () => {
    const features = (statement.extension ?? [])
      .filter((extension) => extension.url === 'http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature')
      .map((feature) => [
        feature.extension?.find((e) => e.url === 'definition')?.valueCanonical,
        feature.extension?.find((e) => e.url === 'value'),
      ]);
    expect(features).toEqual([
      ['http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version', { url: 'value', valueCode: expect.stringMatching(/^\d+\.\d+\.\d+$/) }],
      ['http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/CodeSystemAsParameter', { url: 'value', valueBoolean: true }],
    ]);
  });

  it('lists the R4 search parameters each resource type supports', () => {
    const conceptMap = statement.rest?.[0]?.resource?.find((resource) => resource.type === 'ConceptMap');
    const names = (conceptMap?.searchParam ?? []).map((param) => param.name);
    expect(names).toEqual(expect.arrayContaining(['url', 'version', 'source', 'target', 'source-system', 'target-system']));
  });

  it('does not let callers change the cached template', () => {
    statement.status = 'retired';
    expect(capabilityStatement({ baseUrl: 'x', softwareVersion: '1', date: '2025' }).status).toBe('active');
  });
});

describe('terminologyCapabilities', () => {
  it('lists every code system with its versions', () => {
    const capabilities = terminologyCapabilities({
      codeSystems: [
        { url: 'http://hl7.org/fhir/sid/icd-10-cm', versions: ['2025', '2026'] },
        { url: 'http://www.ama-assn.org/go/cpt', versions: ['2025'], content: 'fragment' },
      ],
      date: '2025-01-02T00:00:00Z',
      softwareVersion: '1.2.3',
    });
    expect(capabilities.resourceType).toBe('TerminologyCapabilities');
    expect(capabilities.date).toBe('2025-01-02T00:00:00Z');
    expect(capabilities.kind).toBe('instance');
    expect(capabilities.codeSearch).toBe('all');
    expect(capabilities.expansion?.hierarchical).toBe(true);
    expect(capabilities.codeSystem?.[0]).toEqual({
      uri: 'http://hl7.org/fhir/sid/icd-10-cm',
      version: [{ code: '2025' }, { code: '2026' }],
    });
    expect(capabilities.codeSystem?.[1]?.extension?.[0]?.valueCode).toBe('fragment');
    expect(capabilities.expansion?.parameter?.map((parameter) => parameter.name)).toContain('tx-resource');
  });
});

describe('operationDefinitions', () => {
  it('serves the official R4 definitions and the ecosystem ones (batch validation, cache control)', () => {
    expect(operationDefinitions().map((definition) => definition.id)).toEqual([
      'CapabilityStatement-versions',
      'CodeSystem-lookup',
      'CodeSystem-subsumes',
      'CodeSystem-validate-code',
      'ConceptMap-translate',
      'ValueSet-batch-validate-code',
      'ValueSet-expand',
      'ValueSet-validate-code',
      'cache-control',
    ]);
    const expand = operationDefinition('ValueSet-expand');
    expect(expand?.url).toBe('http://hl7.org/fhir/OperationDefinition/ValueSet-expand');
    expect(expand?.parameter?.some((parameter) => parameter.name === 'filter')).toBe(true);
    expect(operationDefinition('Patient-everything')).toBeUndefined();
  });

  it('matches the definitions published in the R4 specification exactly', () => {
    const bundle = JSON.parse(
      readFileSync(r4DefinitionsFile('profiles-resources.json'), 'utf8'),
    ) as Bundle;
    for (const served of operationDefinitions().filter((definition) => definition.url?.startsWith('http://hl7.org/fhir/OperationDefinition/'))) {
      const official = bundle.entry?.find(
        (entry) => entry.resource?.resourceType === 'OperationDefinition' && entry.resource.id === served.id,
      )?.resource as OperationDefinition | undefined;
      expect(served).toEqual(official);
    }
  });

  it('defines $batch-validate-code with every $validate-code input, plus validation in and out', () => {
    const batch = operationDefinition('ValueSet-batch-validate-code');
    const single = operationDefinition('ValueSet-validate-code');
    const inputs = (definition?: OperationDefinition) => (definition?.parameter ?? []).filter((p) => p.use === 'in').map((p) => `${p.name}:${p.type}:${p.max}`);
    expect(inputs(batch)).toEqual([...inputs(single), 'validation:Resource:*']);
    expect(batch?.parameter?.filter((p) => p.use === 'out').map((p) => p.name)).toEqual(['validation']);
  });

  it('finds conformance/ from the source tree', () => {
    expect(conformanceDir()).toMatch(/conformance$/);
  });
});
