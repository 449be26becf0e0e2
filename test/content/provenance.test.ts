import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Extension, StructureDefinition } from 'fhir/r4';
import { validateResource } from '../../src/fhir/resource-validation';

const ROOT = path.resolve(__dirname, '../..');
const definition = JSON.parse(readFileSync(path.join(ROOT, 'conformance/StructureDefinition-seed-provenance.json'), 'utf8')) as StructureDefinition;

function provenanceExtensions(node: unknown, out: Extension[] = []): Extension[] {
  if (Array.isArray(node)) node.forEach((n) => provenanceExtensions(n, out));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.url === definition.url) out.push(record as unknown as Extension);
    Object.values(record).forEach((v) => provenanceExtensions(v, out));
  }
  return out;
}

/** The provenance the curated content carries follows its published definition. */
describe('seed-provenance extension', () => {
  const slices = (definition.differential?.element ?? []).filter((e) => e.sliceName);
  const required = slices.filter((e) => (e.min ?? 0) > 0).map((e) => e.sliceName as string);
  const allowed = new Set(slices.map((e) => e.sliceName as string));
  const all = readdirSync(path.join(ROOT, 'resources')).flatMap((f) => provenanceExtensions(JSON.parse(readFileSync(path.join(ROOT, 'resources', f), 'utf8'))));

  it('is a valid R4 StructureDefinition', () => {
    expect(validateResource(definition).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('is used, and every use has the required parts and no others', () => {
    expect(all.length).toBeGreaterThan(90);
    for (const e of all) {
      const parts = (e.extension ?? []).map((x) => x.url);
      expect(required.filter((r) => !parts.includes(r))).toEqual([]);
      expect(parts.filter((p) => !allowed.has(p))).toEqual([]);
    }
  });
});
