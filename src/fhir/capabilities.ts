import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  CapabilityStatement,
  OperationDefinition,
  TerminologyCapabilities,
  TerminologyCapabilitiesCodeSystem,
} from 'fhir/r4';
import type { TerminologyRegistry } from '../terminology/registry';

/**
 * The conformance/ folder at the project root. Walks up from this file because the same code
 * runs from src/fhir (ts-jest) and from dist/src/fhir (compiled).
 */
export function conformanceDir(): string {
  if (cachedDir) return cachedDir;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'conformance');
    if (existsSync(path.join(candidate, 'CapabilityStatement.json'))) {
      cachedDir = candidate;
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No conformance/CapabilityStatement.json above ${__dirname}`);
    dir = parent;
  }
}
let cachedDir: string | undefined;

const fileCache = new Map<string, unknown>();

/** Parsed once; callers get a deep copy so nobody can change the cached template. */
function readConformanceFile<T>(fileName: string): T {
  let parsed = fileCache.get(fileName);
  if (parsed === undefined) {
    parsed = JSON.parse(readFileSync(path.join(conformanceDir(), fileName), 'utf8')) as unknown;
    fileCache.set(fileName, parsed);
  }
  return structuredClone(parsed) as T;
}

export function capabilityStatement(options: {
  baseUrl: string;
  softwareVersion: string;
  date: string;
  releaseDate?: string;
}): CapabilityStatement {
  const statement = readConformanceFile<CapabilityStatement>('CapabilityStatement.json');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  statement.url = `${baseUrl}/metadata`;
  statement.version = options.softwareVersion;
  statement.date = options.date;
  statement.software = {
    ...statement.software,
    name: statement.software?.name ?? 'Bone Strength Terminology Service',
    version: options.softwareVersion,
    ...(options.releaseDate ? { releaseDate: options.releaseDate } : {}),
  };
  statement.implementation = {
    ...statement.implementation,
    description: statement.implementation?.description ?? statement.title ?? 'Terminology service',
    url: baseUrl,
  };
  return statement;
}

export function terminologyCapabilities(options: {
  codeSystems: Array<{ url: string; versions: string[]; content?: string }>;
  date: string;
  softwareVersion: string;
}): TerminologyCapabilities {
  const capabilities = readConformanceFile<TerminologyCapabilities>('TerminologyCapabilities.json');
  capabilities.date = options.date;
  capabilities.version = options.softwareVersion;
  capabilities.software = {
    ...capabilities.software,
    name: capabilities.software?.name ?? 'Bone Strength Terminology Service',
    version: options.softwareVersion,
  };
  capabilities.codeSystem = [...options.codeSystems]
    .sort((a, b) => a.url.localeCompare(b.url))
    .map(codeSystemCapability);
  return capabilities;
}

/** TerminologyCapabilities for the code systems the registry holds (supplements are not code systems of their own). */
export function terminologyCapabilitiesOf(registry: TerminologyRegistry, options: { date: string; softwareVersion: string }): TerminologyCapabilities {
  const byUrl = new Map<string, { url: string; versions: string[]; content?: string }>();
  for (const cs of registry.all('CodeSystem')) {
    if (!cs.url || cs.content === 'supplement') continue;
    const entry = byUrl.get(cs.url) ?? { url: cs.url, versions: [], content: cs.content };
    if (cs.version) entry.versions.push(cs.version);
    byUrl.set(cs.url, entry);
  }
  return terminologyCapabilities({ codeSystems: [...byUrl.values()], ...options });
}

/** R4 has no codeSystem.content; the R5 element travels as its cross-version extension. */
const CONTENT_EXTENSION =
  'http://hl7.org/fhir/5.0/StructureDefinition/extension-TerminologyCapabilities.codeSystem.content';

function codeSystemCapability(codeSystem: {
  url: string;
  versions: string[];
  content?: string;
}): TerminologyCapabilitiesCodeSystem {
  const entry: TerminologyCapabilitiesCodeSystem = { uri: codeSystem.url };
  if (codeSystem.content) entry.extension = [{ url: CONTENT_EXTENSION, valueCode: codeSystem.content }];
  const versions = [...new Set(codeSystem.versions)];
  if (versions.length > 0) entry.version = versions.map((code) => ({ code }));
  return entry;
}

let operationDefinitionsCache: OperationDefinition[] | undefined;

/** Every conformance/OperationDefinition-*.json, sorted by id. */
export function operationDefinitions(): OperationDefinition[] {
  return cachedOperationDefinitions().map((definition) => structuredClone(definition));
}

export function operationDefinition(id: string): OperationDefinition | undefined {
  const definition = cachedOperationDefinitions().find((candidate) => candidate.id === id);
  return definition && structuredClone(definition);
}

function cachedOperationDefinitions(): OperationDefinition[] {
  operationDefinitionsCache ??= readdirSync(conformanceDir())
    .filter((name) => name.startsWith('OperationDefinition-') && name.endsWith('.json'))
    .sort()
    .map((name) => readConformanceFile<OperationDefinition>(name));
  return operationDefinitionsCache;
}
