import { STATUS_CODES } from 'node:http';
import type { Bundle, BundleEntry, FhirResource, OperationOutcome, Resource } from 'fhir/r4';
import { jsonLength } from './json-measure';
import { clientError, clientErrorResponse, operationOutcome } from './operation-outcome';
import type { QueryValues } from './parameters';
import { nextTurn } from '../terminology/deadline';

/**
 * A batch Bundle (POST [base]): each entry is a request of its own, answered in the same position
 * of a batch-response Bundle with its status and resource, or with an OperationOutcome when it
 * fails. Entries are independent: one that fails does not stop the others.
 */

/** What one batch may ask for: entries past either bound answer 422 too-costly. */
export interface BatchLimits {
  /** More entries than this is a 422 for the whole batch: split it. */
  maxEntries: number;
  /** Once the answers so far reach this many bytes, the remaining entries answer 422. */
  maxResponseBytes: number;
}

// 16 MiB of JSON takes a few hundred milliseconds to serialise, during which no one else is served
export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxEntries: 1000, maxResponseBytes: 16 * 1024 * 1024 };

/** About what one entry refused for size takes in the answer. */
const REFUSAL_BYTES = 700;

/** One entry's request, with its URL taken apart. */
export interface BatchEntryRequest {
  method: 'GET' | 'POST';
  /** The path relative to the FHIR base, e.g. `/ValueSet/$validate-code` (still percent-encoded). */
  path: string;
  query: QueryValues;
  body?: Resource;
}

/** Answers one entry as if it had been sent alone: a status, and a resource (an OperationOutcome for a 4xx). */
export interface BatchEntryAnswer {
  status: number;
  resource: FhirResource;
}
/** Answers one entry, at once or later. */
export type BatchEntryHandler = (request: BatchEntryRequest) => BatchEntryAnswer | Promise<BatchEntryAnswer>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entries of a batch Bundle; anything else is a 400 for the whole request. */
export function batchEntries(body: unknown, maxEntries = DEFAULT_BATCH_LIMITS.maxEntries): unknown[] {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    throw clientError('BATCH_NOT_BUNDLE', [isObject(body) && typeof body.resourceType === 'string' ? `, not a ${body.resourceType}` : '']);
  }
  if (body.type !== 'batch') {
    const given = typeof body.type === 'string' ? `, not '${body.type}'` : ': Bundle.type is missing';
    throw clientError('BATCH_TYPE', [given], 'Bundle.type');
  }
  if (body.entry === undefined) return [];
  if (!Array.isArray(body.entry)) throw clientError('BATCH_ENTRY_NOT_ARRAY', [], 'Bundle.entry');
  if (body.entry.length > maxEntries) throw clientError('BATCH_TOO_LARGE', [maxEntries, body.entry.length]);
  return body.entry;
}

function queryValues(params: URLSearchParams): QueryValues {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** Parse entry[i].request; a fault is a 400 that names the element. */
export function entryRequest(entry: unknown, index: number, baseUrl: string): BatchEntryRequest {
  const where = `Bundle.entry[${index}]`;
  if (!isObject(entry) || !isObject(entry.request)) throw clientError('BATCH_ENTRY_NO_REQUEST', [where], `${where}.request`);
  const { method, url } = entry.request;
  if (method !== 'GET' && method !== 'POST') {
    throw clientError('BATCH_ENTRY_METHOD', [where, String(method)], `${where}.request.method`);
  }
  if (typeof url !== 'string' || url.trim() === '') throw clientError('BATCH_ENTRY_NO_URL', [where], `${where}.request.url`);
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let parsed: URL;
  try {
    parsed = /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url) : new URL(url.replace(/^\/+/, ''), base);
  } catch {
    throw clientError('BATCH_ENTRY_URL_INVALID', [where, url], `${where}.request.url`);
  }
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(base.pathname)) {
    throw clientError('BATCH_ENTRY_URL_ELSEWHERE', [where, url, base.href], `${where}.request.url`);
  }
  const request: BatchEntryRequest = { method, path: `/${parsed.pathname.slice(base.pathname.length)}`, query: queryValues(parsed.searchParams) };
  if (method === 'POST') {
    if (!isObject(entry.resource)) throw clientError('BATCH_ENTRY_POST_NO_RESOURCE', [where], `${where}.resource`);
    request.body = entry.resource as unknown as Resource;
  }
  return request;
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

function failure(status: number, outcome: OperationOutcome): BundleEntry {
  return { response: { status: statusLine(status), outcome } };
}

/**
 * Answer a batch Bundle, entry by entry, letting other requests in between entries: a batch of
 * heavy entries must not hold the process (and its health check) for the sum of them. Client
 * faults in an entry (FhirError, TerminologyError) become that entry's 4xx; anything else is a
 * bug: reported to `onBug` and answered 500 for that entry alone.
 */
export async function batchResponse(
  body: unknown,
  baseUrl: string,
  handle: BatchEntryHandler,
  onBug: (error: unknown, index: number) => void,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): Promise<Bundle> {
  const entries = batchEntries(body, limits.maxEntries);
  // room is kept for the refusals, so that the whole answer stays within the bound
  const budget = limits.maxResponseBytes - entries.length * REFUSAL_BYTES;
  let bytes = 0;
  let full = false;
  const responses: BundleEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    if (index > 0) await nextTurn();
    try {
      if (full) throw clientError('BATCH_RESPONSE_TOO_LARGE', [limits.maxResponseBytes]);
      const { status, resource } = await handle(entryRequest(entry, index, baseUrl));
      bytes += jsonLength(resource);
      if (bytes > budget) {
        full = true;
        throw clientError('BATCH_RESPONSE_TOO_LARGE', [limits.maxResponseBytes]);
      }
      responses.push(status >= 400 ? failure(status, resource as OperationOutcome) : { resource, response: { status: statusLine(status) } });
    } catch (e) {
      const known = clientErrorResponse(e);
      if (known) {
        responses.push(failure(known.status, known.outcome));
        continue;
      }
      onBug(e, index);
      responses.push(failure(500, operationOutcome([{ severity: 'fatal', code: 'exception', diagnostics: 'Internal server error' }])));
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: responses };
}
