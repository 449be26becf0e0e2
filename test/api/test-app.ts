import path from 'node:path';
import pino from 'pino';
import { loadResources } from '../../src/content/load-resources';
import { createApp } from '../../src/http/app';
import { TerminologyRegistry } from '../../src/terminology/registry';

/** Tests provoke failures on purpose: their log lines would only be noise. */
export const quietLogger = pino({ level: 'silent' });

export const RESOURCES_DIR = path.resolve(__dirname, '../../resources');

let cached: ReturnType<typeof createApp> | undefined;

/** The real app over the real curated content, built once per test file. */
export function testApp(): ReturnType<typeof createApp> {
  if (!cached) {
    const registry = new TerminologyRegistry(loadResources([RESOURCES_DIR]));
    cached = createApp(registry, { baseUrl: 'http://localhost/fhir', softwareVersion: 'test', logger: quietLogger });
  }
  return cached;
}
