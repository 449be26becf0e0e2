import type { CodeSystem, ConceptMap, Resource, ValueSet } from 'fhir/r4';
import { validateResource } from '../resource-validation';
import { noVersionRules, NO_PINS, resolveValueSet, SystemVersionRules, versionRules } from '../../terminology/compose';
import { checkDisplayLanguage, LanguagePreference, othersRefused, parseLanguages } from '../../terminology/languages';
import { contentHash, isTerminologyResource, type TerminologyRegistry, type TerminologyResource } from '../../terminology/registry';
import { unknownValueSet } from '../../terminology/validate-code';
import { splitCanonical } from '../../terminology/versions';
import { issue, TerminologyError } from '../../terminology/issues';
import { HintedError, valueSetHint, withHint } from '../error-hints';
import { clientError } from '../operation-outcome';
import type { ResourceCaches } from '../resource-caches';

/** The parameters the HL7 terminology ecosystem adds to the R4 operations (see ECOSYSTEM_PARAMETERS). */
export interface EcosystemInput {
  'tx-resource'?: Resource[];
  'system-version'?: string[];
  'check-system-version'?: string[];
  'force-system-version'?: string[];
  'default-valueset-version'?: string[];
  useSupplement?: string[];
  inferSystem?: boolean;
  valueSetMode?: string;
  mode?: string;
  'lenient-display-validation'?: boolean;
  activeOnly?: boolean;
  membershipOnly?: boolean;
  'valueset-membership-only'?: boolean;
  'cache-id'?: string;
  diagnostics?: boolean;
  property?: string[];
  includeAncestor?: boolean;
  profile?: Resource;
  uuid?: string;
  _limit?: number;
  _incomplete?: boolean;
}

/** How the operations on a value set name it: url (+ valueSetVersion), or the resource itself. */
export interface ValueSetTargetInput {
  url?: string;
  valueSet?: ValueSet;
  valueSetVersion?: string;
}

/** What every operation gets from the edge: its typed input, the registry, and request context. */
export interface OperationRequest<T extends EcosystemInput = EcosystemInput> {
  input: T;
  registry: TerminologyRegistry;
  acceptLanguage?: string;
  /** The resource named in the path for instance-level calls (/CodeSystem/{id}/$lookup). */
  instance?: CodeSystem | ValueSet | ConceptMap;
  /** The client's resource cache (X-Cache-Id header, see $cache-control), and where caches live. */
  cacheId?: string;
  caches?: ResourceCaches;
  /** Prefer: handling=strict */
  strict?: boolean;
}


/** The request's own registry: the server's content plus the resources sent as tx-resource. */
export function requestRegistry(request: OperationRequest<EcosystemInput & ValueSetTargetInput>): TerminologyRegistry {
  const given: TerminologyResource[] = [];
  for (const r of request.input['tx-resource'] ?? []) {
    if (isTerminologyResource(r)) given.push(r);
  }
  const sent = [...cachedResources(request, given), ...given];
  if (!sent.some((r) => r.resourceType === 'CodeSystem' && r.supplements)) return request.registry.overlay(sent, { check: problemOfSentResource });
  return request.registry.overlay(sent, { check: problemOfSentResource, supplements: (overlay) => namedSupplements(request, overlay) });
}

/**
 * Resources of the client's cache: the one named by the X-Cache-Id header (opened with
 * $cache-control; unknown or expired is a 404), or, for clients of the older protocol, the one
 * named by the `cache-id` parameter (created on first use). What the request sends is added to it.
 */
function cachedResources(request: OperationRequest<EcosystemInput>, given: TerminologyResource[]): TerminologyResource[] {
  const caches = request.caches;
  if (!caches) return [];
  if (request.cacheId !== undefined) {
    const cached = caches.resources(request.cacheId);
    if (!cached) throw new TerminologyError(issue('CACHE_ID_UNKNOWN', [request.cacheId]));
    caches.add(request.cacheId, given);
    return cached;
  }
  const legacy = request.input['cache-id'];
  if (legacy === undefined) return [];
  const id = `cache-id:${legacy}`;
  const cached = caches.resources(id) ?? (caches.adopt(id), []);
  caches.add(id, given);
  return cached;
}

const SUPPLEMENT_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/valueset-supplement';

/**
 * Supplements sent with a request apply when the request names them (useSupplement) or the value
 * set it is about asks for them (the valueset-supplement extension), not merely because they were
 * sent; language packs apply unasked.
 */
function namedSupplements(request: OperationRequest<EcosystemInput & ValueSetTargetInput>, registry: TerminologyRegistry): string[] {
  const { input } = request;
  const named = [...(input.useSupplement ?? [])];
  const given = input.valueSet ?? request.instance;
  const target = given?.resourceType === 'ValueSet' ? given : input.url ? registry.resolve('ValueSet', input.url, input.valueSetVersion) : undefined;
  for (const e of target?.extension ?? []) if (e.url === SUPPLEMENT_EXTENSION && e.valueCanonical) named.push(e.valueCanonical);
  return named;
}

const checkedByContent = new Map<string, string | undefined>();
const CHECK_CACHE_LIMIT = 512;

/** A sent resource is usable when its elements have the R4 types and shapes; results cached by content. */
export function problemOfSentResource(resource: Resource): string | undefined {
  const key = contentHash(resource);
  if (checkedByContent.has(key)) return checkedByContent.get(key);
  const errors = validateResource(resource, 'structure').filter((p) => p.severity === 'error');
  const problem = errors.length ? errors.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ') : undefined;
  if (checkedByContent.size >= CHECK_CACHE_LIMIT) checkedByContent.delete(checkedByContent.keys().next().value as string);
  checkedByContent.set(key, problem);
  return problem;
}

/** The displayLanguage parameter, refused the same way by every operation when it is not a list of language tags. */
export function displayLanguageOf(request: OperationRequest<EcosystemInput & { displayLanguage?: string }>): string | undefined {
  const displayLanguage = request.input.displayLanguage;
  checkDisplayLanguage(displayLanguage);
  return displayLanguage;
}

/** The languages asked for (displayLanguage, else Accept-Language), and whether every other language is refused (`*;q=0`). */
export function languagesOf(request: OperationRequest<EcosystemInput & { displayLanguage?: string }>): { languages: LanguagePreference[]; wildcardRefused: boolean } {
  const source = displayLanguageOf(request) ?? request.acceptLanguage;
  return { languages: parseLanguages(source), wildcardRefused: othersRefused(source) };
}

export function versionRulesOf(input: EcosystemInput): SystemVersionRules {
  const read = (name: 'force-system-version' | 'system-version' | 'check-system-version'): Map<string, string> | undefined => {
    const given = input[name];
    if (!given?.length) return undefined;
    const versions = new Map<string, string>();
    for (const canonical of given) {
      const { url, version } = splitCanonical(canonical);
      if (!version) throw clientError('CANONICAL_WITHOUT_VERSION', [name, canonical], name);
      versions.set(url, version);
    }
    return versions;
  };
  const force = read('force-system-version');
  const fallback = read('system-version');
  const check = read('check-system-version');
  return force || fallback || check ? versionRules({ force, fallback, check }) : noVersionRules();
}

/** default-valueset-version: the version to use for each value set url referenced (imported) without one. */
export function valueSetVersionsOf(input: EcosystemInput): ReadonlyMap<string, string> {
  if (!input['default-valueset-version']?.length) return NO_PINS;
  const pins = new Map<string, string>();
  for (const canonical of input['default-valueset-version']) {
    const { url, version } = splitCanonical(canonical);
    if (!version) throw clientError('CANONICAL_WITHOUT_VERSION', ['default-valueset-version', canonical], 'default-valueset-version');
    pins.set(url, version);
  }
  return pins;
}

/** A resource given directly as an operation parameter (valueSet, codeSystem, conceptMap), checked before use. */
export function sentResource<T extends Resource>(resource: T | undefined, name: string): T | undefined {
  if (!resource) return undefined;
  const problem = problemOfSentResource(resource);
  if (problem) throw clientError('SENT_RESOURCE_INVALID', [name, resource.resourceType, problem], name);
  return resource;
}

/** The value set an operation is about: the `valueSet` parameter, the instance, or `url` (+ valueSetVersion, else default-valueset-version). */
export function targetValueSet(request: OperationRequest<EcosystemInput & ValueSetTargetInput>, registry: TerminologyRegistry, purpose: string): ValueSet {
  const { input } = request;
  const given = sentResource(input.valueSet, 'valueSet') ?? (request.instance as ValueSet | undefined);
  if (given) return given;
  const url = input.url;
  if (!url) throw clientError('VALUE_SET_REQUIRED', [purpose], 'url');
  // default-valueset-version applies to any value set named without a version, this one included
  const version = input.valueSetVersion ?? (splitCanonical(url).version ? undefined : valueSetVersionsOf(input).get(url));
  const valueSet = resolveValueSet(registry, url, version);
  if (!valueSet) throw new HintedError(unknownValueSet(version ? `${url}|${version}` : url), withHint(version ? undefined : valueSetHint(registry, url)));
  return valueSet;
}
