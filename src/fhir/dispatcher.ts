import type { FhirResource, Resource } from 'fhir/r4';
import { isTerminologyType, TERMINOLOGY_TYPES, type TerminologyRegistry, type TerminologyResourceType } from '../terminology/registry';
import { nearestText } from '../terminology/code-suggestions';
import { BatchEntryAnswer, batchResponse, BatchEntryRequest, BatchLimits } from './batch-bundle';
import { capabilityStatement, operationDefinition, operationDefinitions, terminologyCapabilitiesOf } from './capabilities';
import { clientError, clientErrorResponse, FhirError } from './operation-outcome';
import { OPERATIONS } from './operation-routes';
import { cacheControlOperation, CacheControlParameters } from './operations/cache-control';
import { compiledOperation } from './operation-definitions';
import { currentDeadline, nextTurn } from '../terminology/deadline';
import { prepareSent } from './operations/prepare';
import { contentHash } from '../terminology/registry';
import { OperationCall, parameters, parseInputParameters, QueryValues } from './parameters';
import type { ResourceCaches } from './resource-caches';
import { searchResponse, searchsetBundle, shownOf } from './search';

/**
 * The FHIR interactions this server answers, free of any web framework: a plain request in, a
 * status and a resource out. The HTTP edge and every entry of a batch Bundle come through here.
 */

/** A request relative to the FHIR base: `path` like `/ValueSet/$expand`, headers by lower-case name. */
export interface FhirRequest {
  method: string;
  path: string;
  query: QueryValues;
  /** A parsed JSON body, or form fields when `form` is set. */
  body?: unknown;
  form?: boolean;
  /** The size of the body as received, when known: a large one is answered in steps (see FhirDispatcher.prepared). */
  bodyBytes?: number;
  headers: Readonly<Record<string, string | undefined>>;
}

/** A request body larger than this is answered in steps, a turn of the event loop apart (parse, checks, indexes, the operation). */
export const LARGE_BODY_BYTES = 1024 * 1024;

export interface FhirResponse {
  status: number;
  resource: Resource;
  headers?: Record<string, string>;
}

/** What the interactions run against. */
export interface FhirService {
  registry: TerminologyRegistry;
  caches: ResourceCaches;
  baseUrl: string;
  softwareVersion: string;
  /** A bug in one entry of a batch (the entry answers 500; the batch goes on). */
  onBatchEntryBug: (error: unknown, index: number) => void;
  batchLimits?: BatchLimits;
}

/** $cache-control's parameters, compiled with the operations when the server starts. */
const CACHE_CONTROL = compiledOperation('cache-control');

/** What the FHIR versions operation answers: this server speaks R4 only. */
export const SERVED_FHIR_VERSION = '4.0';

/** Prefer: handling=strict (FHIR search and operations): an unknown parameter is an error rather than ignored. */
export function isStrict(request: FhirRequest): boolean {
  return request.headers.prefer?.includes('handling=strict') ?? false;
}

const ok = (resource: Resource): FhirResponse => ({ status: 200, resource });

/** The base itself (`/`, or nothing): where a batch is posted. */
const isBase = (path: string): boolean => path.split('/').every((s) => s === '');

/** Does an If-None-Match header name the tag (weak comparison, as HTTP has it for GET; `*` names any)? */
export function matchesEntityTag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** Whether a path names one of OPERATIONS, at type or instance level (`/ValueSet/$expand`, `/ValueSet/x/$expand`). */
function namesOperation(path: string): boolean {
  const segments = path.split('/').filter((s) => s !== '');
  return (segments.length === 2 || segments.length === 3) && OPERATIONS.has(`${segments[0]}/${segments[segments.length - 1]}`);
}

/** A client's error as its response; anything else is a bug, thrown on. */
function errorResponse(e: unknown): FhirResponse {
  const known = clientErrorResponse(e);
  if (!known) throw e;
  return { status: known.status, resource: known.outcome, ...(known.allowedMethods ? { headers: { Allow: known.allowedMethods.join(', ') } } : {}) };
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw clientError('PATH_SEGMENT_ENCODING', [segment]);
  }
}

/** The resource type a path names, when this server serves it (404 naming the types served otherwise). */
function terminologyType(type: string): TerminologyResourceType {
  if (isTerminologyType(type)) return type;
  const near = nearestText(type, TERMINOLOGY_TYPES);
  throw clientError('RESOURCE_TYPE_NOT_SERVED', [type, near ? ` (did you mean ${near}?)` : '']);
}

function operationCall(request: FhirRequest, where: string): OperationCall {
  if (request.method !== 'GET' && request.method !== 'POST') throw new FhirError('METHOD_NOT_ALLOWED', [request.method, where], { allowedMethods: ['GET', 'POST'] });
  return { method: request.method, query: request.query, body: request.body, form: request.form, strict: isStrict(request) };
}

export class FhirDispatcher {
  constructor(private readonly service: FhirService) {}

  /** The content served. */
  get registry(): TerminologyRegistry {
    return this.service.registry;
  }

  /**
   * Answer a request; a client's error is a response too. Anything thrown (or rejected) from here
   * is a bug. A batch is answered later (its entries a turn of the event loop apart), and so is an
   * operation whose body is over LARGE_BODY_BYTES (what it sends prepared first, see `prepared`);
   * every other interaction at once.
   */
  dispatch(request: FhirRequest): FhirResponse | Promise<FhirResponse> {
    if (request.method !== 'POST') return this.answer(request);
    if (isBase(request.path)) return this.batch(request).catch(errorResponse);
    if (!request.form && (request.bodyBytes ?? 0) > LARGE_BODY_BYTES && namesOperation(request.path)) return this.prepared(request).catch(errorResponse);
    return this.answer(request);
  }

  /** An operation whose body is large: what it sends is prepared a step at a time (see prepareSent), then it runs. */
  private async prepared(request: FhirRequest, deadline = currentDeadline()): Promise<FhirResponse> {
    await nextTurn();
    const release = await prepareSent(request.body, this.service.registry, deadline);
    try {
      return deadline ? deadline.run(() => this.answer(request)) : this.answer(request);
    } finally {
      release();
    }
  }

  /** The resource answering an interaction other than a batch; a client's error is thrown (a web page shows it its own way). */
  resource(request: FhirRequest): Resource {
    return this.route(request).resource;
  }

  /** Answer one interaction other than a batch, at once. */
  private answer(request: FhirRequest): FhirResponse {
    try {
      return this.route(request);
    } catch (e) {
      return errorResponse(e);
    }
  }

  private route(request: FhirRequest): FhirResponse {
    const segments = request.path.split('/').filter((s) => s !== '').map(decodeSegment);
    const { method } = request;
    const [first, second] = segments;
    if (segments.length === 0) {
      // a POST here is a batch (see dispatch)
    } else if (segments.length === 1 && first === 'metadata' && method === 'GET') {
      return this.metadata(request);
    } else if (segments.length === 1 && first === '$versions') {
      operationCall(request, '$versions');
      return ok(parameters([{ name: 'version', valueCode: SERVED_FHIR_VERSION }, { name: 'default', valueCode: SERVED_FHIR_VERSION }]));
    } else if (segments.length === 1 && first === '$cache-control') {
      return this.cacheControl(request);
    } else if (first === 'OperationDefinition' && segments.length <= 2 && method === 'GET') {
      return this.operationDefinitions(second);
    } else if (segments.length === 1 && method === 'GET') {
      return this.search(terminologyType(first), request);
    } else if (segments.length === 2 && second === '_search' && method === 'POST') {
      return this.search(terminologyType(first), request);
    } else if (segments.length <= 3 && segments[segments.length - 1].startsWith('$')) {
      return this.operation(terminologyType(first), segments.length === 3 ? second : undefined, segments[segments.length - 1], request);
    } else if (segments.length === 2 && method === 'GET') {
      return this.read(terminologyType(first), second, request);
    }
    if (method === 'GET') throw clientError('INTERACTION_NOT_SUPPORTED', [method, request.path]);
    throw new FhirError('INTERACTION_NOT_SUPPORTED', [method, request.path], { status: 405, allowedMethods: segments.length === 0 ? ['POST'] : ['GET'] });
  }

  private operation(type: TerminologyResourceType, id: string | undefined, name: string, request: FhirRequest): FhirResponse {
    const route = OPERATIONS.get(`${type}/${name}`);
    if (!route) throw clientError('OPERATION_NOT_SUPPORTED', [name, type]);
    const call = operationCall(request, `${type}/${name}`);
    const { registry, caches } = this.service;
    let instance: ReturnType<TerminologyRegistry['read']>;
    if (id !== undefined) {
      instance = registry.read(type, id);
      if (!instance) throw clientError('RESOURCE_NOT_FOUND', [type, id]);
    }
    const context = { registry, caches, instance, acceptLanguage: request.headers['accept-language'], cacheId: request.headers['x-cache-id'], strict: call.strict };
    return ok(route.run(call, context));
  }

  /**
   * A read answers with an ETag (a weak one: a digest of what is shown, the same until the content
   * changes); asked again with that tag in If-None-Match, it answers 304 without the resource.
   */
  private read(type: TerminologyResourceType, id: string, request: FhirRequest): FhirResponse {
    const resource = this.service.registry.read(type, id);
    if (!resource) throw clientError('RESOURCE_NOT_FOUND', [type, id]);
    const shown = shownOf(request.query)(resource);
    const etag = `W/"${contentHash(shown).slice(0, 32)}"`;
    return { status: matchesEntityTag(request.headers['if-none-match'], etag) ? 304 : 200, resource: shown, headers: { ETag: etag } };
  }

  private search(type: TerminologyResourceType, request: FhirRequest): FhirResponse {
    const query = request.method === 'POST' && request.form ? { ...request.query, ...(request.body as QueryValues) } : request.query;
    const resources = this.service.registry.all(type) as Resource[];
    return ok(searchResponse(type, resources, query, { baseUrl: this.service.baseUrl, strict: isStrict(request) }));
  }

  private metadata(request: FhirRequest): FhirResponse {
    const { baseUrl, softwareVersion, registry } = this.service;
    const date = new Date().toISOString();
    if (request.query.mode === 'terminology') return ok(terminologyCapabilitiesOf(registry, { date, softwareVersion }));
    return ok(capabilityStatement({ baseUrl, softwareVersion, date }));
  }

  private operationDefinitions(id: string | undefined): FhirResponse {
    if (id === undefined) {
      const all = operationDefinitions();
      return ok(searchsetBundle(all, { total: all.length, selfUrl: `${this.service.baseUrl}/OperationDefinition`, baseUrl: this.service.baseUrl }));
    }
    const definition = operationDefinition(id);
    if (!definition) throw clientError('RESOURCE_NOT_FOUND', ['OperationDefinition', id]);
    return ok(definition);
  }

  private cacheControl(request: FhirRequest): FhirResponse {
    const call = operationCall(request, '$cache-control');
    // a POST with no body is read like a GET: everything it says is in the query string
    if (call.method === 'POST' && call.body === undefined && !call.form) call.method = 'GET';
    const input = parseInputParameters<CacheControlParameters>(CACHE_CONTROL, call);
    const queryMode = typeof request.query.mode === 'string' ? request.query.mode : undefined;
    return ok(cacheControlOperation({ input, queryMode, cacheId: request.headers['x-cache-id'], caches: this.service.caches }));
  }

  /**
   * POST [base] with a batch Bundle: each entry answered here as if sent alone, all of them under
   * the deadline the batch started under.
   */
  private async batch(request: FhirRequest): Promise<FhirResponse> {
    if (request.body === undefined || request.form) throw clientError('BATCH_NOT_JSON');
    const deadline = currentDeadline();
    // in a large batch, an operation entry has what it sends prepared first, as it would alone
    const large = (request.bodyBytes ?? 0) > LARGE_BODY_BYTES;
    const entry = (e: BatchEntryRequest): BatchEntryAnswer | Promise<BatchEntryAnswer> => {
      if (isBase(e.path)) throw clientError('BATCH_IN_BATCH');
      // an entry is conditional only by what it says itself, never by the batch's own headers
      const alone: FhirRequest = { ...e, headers: { ...request.headers, 'if-none-match': undefined } };
      const asEntry = (response: FhirResponse): BatchEntryAnswer => ({ status: response.status, resource: response.resource as FhirResource });
      if (large && e.method === 'POST' && namesOperation(e.path)) return this.prepared(alone, deadline).then(asEntry);
      return asEntry(deadline ? deadline.run(() => this.answer(alone)) : this.answer(alone));
    };
    return ok(await batchResponse(request.body, this.service.baseUrl, entry, this.service.onBatchEntryBug, this.service.batchLimits));
  }
}
