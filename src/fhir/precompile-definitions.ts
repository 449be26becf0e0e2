import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { writeCoreTerminologyNames } from '../content/fhir-core';
import {
  AJV_OPTIONS,
  CORE_SCHEMA_ID,
  CORE_SCHEMA_TYPES,
  loadSchemaDefinitions,
  PRECOMPILED_DIR,
  PRELOADED_TYPES,
  readStructureDefinitions,
  referencedDefinitions,
} from './resource-validation';

/**
 * Build step (run by `npm run build`): compile the R4 JSON schema of the core resource types to
 * standalone validation code and extract their StructureDefinitions, so the server does neither
 * at start-up.
 */
export function writePrecompiledDefinitions(dir: string): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, optimize: false } });
  ajv.addSchema({ $id: CORE_SCHEMA_ID, definitions: referencedDefinitions(loadSchemaDefinitions(), CORE_SCHEMA_TYPES) });
  const exports = Object.fromEntries(CORE_SCHEMA_TYPES.map((type) => [type, `${CORE_SCHEMA_ID}#/definitions/${type}`]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'schema-validators.js'), standaloneCode(ajv, exports));
  const definitions = [...readStructureDefinitions(PRELOADED_TYPES).values()];
  writeFileSync(path.join(dir, 'structure-definitions.json'), JSON.stringify(definitions));
  return `precompiled ${CORE_SCHEMA_TYPES.length} schema validators and ${definitions.length} StructureDefinitions into ${dir}`;
}

if (require.main === module) process.stdout.write(`${writePrecompiledDefinitions(PRECOMPILED_DIR)}\n${writeCoreTerminologyNames(PRECOMPILED_DIR)}\n`);
