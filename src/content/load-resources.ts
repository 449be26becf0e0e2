import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Resource } from 'fhir/r4';
import { validateResource } from '../fhir/resource-validation';
import { isTerminologyResource, type TerminologyResource } from '../terminology/registry';

/** A content file that cannot be served: start-up stops with this message. */
export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentError';
  }
}


function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Read every FHIR JSON file in the given directories, validate each against the R4 schema and
 * invariants, and return the terminology resources. Any problem names the file and the path in it.
 */
export function loadResources(dirs: string[], options: { validate?: boolean } = {}): TerminologyResource[] {
  const out: TerminologyResource[] = [];
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new ContentError(`Content directory ${dir} does not exist`);
    }
    for (const file of jsonFiles(dir)) {
      let resource: Resource;
      try {
        resource = JSON.parse(readFileSync(file, 'utf8')) as Resource;
      } catch (e) {
        throw new ContentError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
      if (options.validate !== false) {
        const errors = validateResource(resource).filter((p) => p.severity === 'error');
        if (errors.length) {
          const list = errors.slice(0, 10).map((p) => `  ${p.path}: ${p.message}`).join('\n');
          throw new ContentError(`${file}: not a valid FHIR R4 ${resource.resourceType ?? 'resource'}\n${list}`);
        }
      }
      if (isTerminologyResource(resource)) out.push(resource);
    }
  }
  return out;
}
