import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeSystemConcept } from 'fhir/r4';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/importers');

export function fixture(name: string, encoding: BufferEncoding = 'utf8'): string {
  return readFileSync(path.join(FIXTURES, name), encoding);
}

/** All concepts, depth first, with their parent code. */
export function flatten(concepts: readonly CodeSystemConcept[] | undefined, parent?: string): { concept: CodeSystemConcept; parent: string | undefined }[] {
  const out: { concept: CodeSystemConcept; parent: string | undefined }[] = [];
  for (const c of concepts ?? []) {
    out.push({ concept: c, parent });
    out.push(...flatten(c.concept, c.code));
  }
  return out;
}

export function prop(c: CodeSystemConcept, code: string): unknown {
  const p = c.property?.find((x) => x.code === code);
  if (!p) return undefined;
  return p.valueBoolean ?? p.valueString ?? p.valueCode ?? p.valueDateTime;
}
