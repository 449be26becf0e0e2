import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contentNames, coreTerminologyNames, loadFhirCoreTerminology, writeCoreTerminologyNames } from '../../src/content/fhir-core';
import type { CodeSystem, ConceptMap } from 'fhir/r4';
import { TerminologyRegistry } from '../../src/terminology/registry';
import { shapes, shapes2 } from './fixtures';

describe('TerminologyRegistry', () => {
  const base = new TerminologyRegistry([shapes, shapes2]);

  it('resolves the latest version unless one is named', () => {
    expect(base.codeSystem(shapes.url as string)?.version).toBe('2.0.0');
    expect(base.codeSystem(shapes.url as string, '1.0.0')?.version).toBe('1.0.0');
    expect(base.codeSystem(`${shapes.url}|1.0.0`)?.version).toBe('1.0.0');
  });

  it('answers each url and version as asked, however often asked (what was found is remembered per url and version)', () => {
    for (let i = 0; i < 2; i++) {
      expect(base.codeSystem(shapes.url as string, '1.0.0')?.version).toBe('1.0.0');
      expect(base.codeSystem(shapes.url as string)?.version).toBe('2.0.0');
      // a url that merely reads like the url and version together is another url
      expect(base.codeSystem(`${shapes.url}#1.0.0`)).toBeUndefined();
      expect(base.codeSystem(shapes.url as string, '9.9.9')).toBeUndefined();
    }
  });

  it('keeps request resources in an overlay that the base never sees', () => {
    const sent: CodeSystem = { ...shapes, url: 'http://example.org/sent', version: '1' };
    const overlay = base.overlay([sent]);
    expect(overlay.codeSystem('http://example.org/sent')).toBeDefined();
    expect(base.codeSystem('http://example.org/sent')).toBeUndefined();
  });

  it('reuses the index of identical request content', () => {
    const sent: CodeSystem = { ...shapes, url: 'http://example.org/cached', version: '1' };
    const a = base.overlay([sent]).codeSystem('http://example.org/cached');
    const b = base.overlay([JSON.parse(JSON.stringify(sent)) as CodeSystem]).codeSystem('http://example.org/cached');
    expect(a).toBe(b);
  });

  it('applies supplements to the code system they supplement', () => {
    const supplement: CodeSystem = {
      resourceType: 'CodeSystem',
      url: 'http://example.org/shapes-fr',
      status: 'active',
      content: 'supplement',
      supplements: `${shapes.url}|1.0.0`,
      concept: [{ code: 'square', designation: [{ language: 'fr', value: 'Carré' }] }],
    };
    const cs = base.overlay([supplement]).codeSystem(shapes.url as string, '1.0.0');
    expect(cs?.get('square')?.designations.map((d) => d.value)).toContain('Carré');
    expect(base.codeSystem(shapes.url as string, '1.0.0')?.get('square')?.designations.map((d) => d.value)).not.toContain('Carré');
  });

  it('keeps a complete code system over a fragment of the same version', () => {
    const fragment: CodeSystem = { ...shapes, content: 'fragment', concept: [{ code: 'x' }] };
    const registry = new TerminologyRegistry([shapes, fragment]);
    expect(registry.codeSystem(shapes.url as string)?.content).toBe('complete');
  });
});

describe('layers', () => {
  it('reads a lazy layer only when something is not found above it', () => {
    let loads = 0;
    const core = TerminologyRegistry.lazy(() => {
      loads++;
      return [{ ...shapes, url: 'http://example.org/core', version: '2019-01-01' }];
    });
    const content = new TerminologyRegistry([shapes], core);
    expect(content.codeSystem(shapes.url as string)?.version).toBe('1.0.0');
    expect(loads).toBe(0);
    expect(content.codeSystem('http://example.org/core')).toBeDefined();
    expect(loads).toBe(1);
  });

  /** A lazy layer holding one code system, its names known, that counts how often it is read. */
  function namedCore(): { core: TerminologyRegistry; loads: () => number } {
    let loads = 0;
    const coreResources: CodeSystem[] = [{ ...shapes, id: 'core-shapes', url: 'http://example.org/core', version: '2019-01-01' }];
    const core = TerminologyRegistry.lazy(() => {
      loads++;
      return coreResources;
    }, contentNames(coreResources));
    return { core, loads: () => loads };
  }

  it('with the names of the lazy layer known, reads it only for a url or id it holds, even when the url is found nowhere', () => {
    const { core, loads } = namedCore();
    const content = new TerminologyRegistry([shapes], core);
    // what the versions of a url are, an unknown url, an unknown id: all answered without reading the core
    expect(content.versionsOf('CodeSystem', shapes.url as string)).toEqual(['1.0.0']);
    expect(content.codeSystem('http://example.org/unknown')).toBeUndefined();
    expect(content.read('CodeSystem', 'nope')).toBeUndefined();
    expect(loads()).toBe(0);
    expect(content.read('CodeSystem', 'core-shapes')?.url).toBe('http://example.org/core');
    expect(content.codeSystem('http://example.org/core')?.version).toBe('2019-01-01');
    expect(loads()).toBe(1);
  });

  it('lists all the resources of a type without reading a lazy layer that has none of that type', () => {
    const { core, loads } = namedCore();
    const map: ConceptMap = { resourceType: 'ConceptMap', id: 'm', url: 'http://example.org/map', status: 'active' };
    const content = new TerminologyRegistry([shapes, map], core);
    expect(content.all('ConceptMap').map((m) => m.url)).toEqual(['http://example.org/map']);
    expect(loads()).toBe(0);
    expect(content.all('CodeSystem').map((c) => c.url)).toEqual([shapes.url, 'http://example.org/core']);
    expect(loads()).toBe(1);
  });

  it('the names written at build time are those of FHIR core terminology as loaded', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'core-names-'));
    writeCoreTerminologyNames(dir);
    const written = coreTerminologyNames(dir);
    const loaded = contentNames(loadFhirCoreTerminology());
    expect(written?.urls).toEqual(loaded.urls);
    expect(written?.ids).toEqual(loaded.ids);
    expect(written?.types).toEqual(loaded.types);
    expect(loaded.types.has('ConceptMap')).toBe(false);
    expect(loaded.urls.has('http://hl7.org/fhir/administrative-gender')).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prefers the nearest layer when no version is named, whatever the version schemes', () => {
    const server = new TerminologyRegistry([{ ...shapes, version: '2018-08-12' }]);
    const request = server.overlay([{ ...shapes, version: '3.0.0' }]);
    expect(request.codeSystem(shapes.url as string)?.version).toBe('3.0.0');
    expect(request.codeSystem(shapes.url as string, '2018-08-12')?.version).toBe('2018-08-12');
  });
});

describe('supplements sent with a request', () => {
  const base = new TerminologyRegistry([shapes]);
  const supplement = (extra: Partial<CodeSystem>): CodeSystem => ({
    resourceType: 'CodeSystem',
    url: 'http://example.org/shapes-nl',
    status: 'active',
    content: 'supplement',
    supplements: shapes.url,
    concept: [{ code: 'square', designation: [{ language: 'nl', value: 'Vierkant' }] }],
    ...extra,
  });
  const dutch = (registry: TerminologyRegistry): string[] | undefined =>
    registry.codeSystem(shapes.url as string, '1.0.0')?.get('square')?.designations.map((d) => d.value);

  it('apply when named, not merely because they were sent', () => {
    expect(dutch(base.overlay([supplement({})], { supplements: [] }))).not.toContain('Vierkant');
    expect(dutch(base.overlay([supplement({})], { supplements: ['http://example.org/shapes-nl'] }))).toContain('Vierkant');
  });

  it('apply unasked when they are language packs', () => {
    const pack = supplement({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/codesystem-supplement-type', valueCode: 'lang-pack' }] });
    expect(dutch(base.overlay([pack], { supplements: [] }))).toContain('Vierkant');
  });
});
