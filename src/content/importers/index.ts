import { cptImporter } from './cpt';
import { hcpcsImporter } from './hcpcs';
import { icd10cmImporter } from './icd10cm';
import { nuccImporter } from './nucc';
import type { Importer } from './types';

export const IMPORTERS: readonly Importer[] = [icd10cmImporter, nuccImporter, hcpcsImporter, cptImporter];

export function importerFor(kind: string): Importer | undefined {
  return IMPORTERS.find((i) => i.kind === kind);
}

export * from './types';
export * from './icd10cm';
export * from './nucc';
export * from './hcpcs';
export * from './cpt';
export { parseCsv } from './csv';
