import { STATUS_CODES } from 'node:http';
import type { Bundle, BundleEntry, FhirResource, OperationOutcome, Resource } from 'fhir/r4';
import { jsonLength } from './json-measure';
import { badRequest, clientErrorResponse, FhirError, operationOutcome, tooCostly } from './operation-outcome';
import type { QueryValues } from './parameters';

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

/** One entry's request, with its URL taken apart. */
export interface BatchEntryRequest {
  method: 'GET' | 'POST';
  /** Path segments relative to the FHIR base, e.g. ['ValueSet', '$validate-code']. */
  path: string[];
  query: QueryValues;
  resource?: Resource;
}

export type BatchEntryHandler = (request: BatchEntryRequest) => FhirResource;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entries of a batch Bundle; anything else is a 400 for the whole request. */
export function batchEntries(body: unknown, maxEntries = DEFAULT_BATCH_LIMITS.maxEntries): unknown[] {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    throw badRequest(`POST to the base URL takes a Bundle of type batch${isObject(body) && typeof body.resourceType === 'string' ? `, not a ${body.resourceType}` : ''}`);
  }
  if (body.type !== 'batch') {
    const given = typeof body.type === 'string' ? `, not '${body.type}'` : ': Bundle.type is missing';
    throw badRequest(`Only a Bundle of type 'batch' is processed here${given}`, 'Bundle.type');
  }
  if (body.entry === undefined) return [];
  if (!Array.isArray(body.entry)) throw badRequest('Bundle.entry must be an array', 'Bundle.entry');
  if (body.entry.length > maxEntries) throw tooCostly(`A batch may hold at most ${maxEntries} entries (MAX_BATCH_ENTRIES), not ${body.entry.length}: split it`);
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
  if (!isObject(entry) || !isObject(entry.request)) throw badRequest(`${where} has no request`, `${where}.request`);
  const { method, url } = entry.request;
  if (method !== 'GET' && method !== 'POST') {
    throw badRequest(`${where}.request.method must be GET or POST (this server is read-only), not '${String(method)}'`, `${where}.request.method`);
  }
  if (typeof url !== 'string' || url.trim() === '') throw badRequest(`${where}.request.url is missing`, `${where}.request.url`);
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let parsed: URL;
  try {
    parsed = /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url) : new URL(url.replace(/^\/+/, ''), base);
  } catch {
    throw badRequest(`${where}.request.url '${url}' is not a URL`, `${where}.request.url`);
  }
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(base.pathname)) {
    throw badRequest(`${where}.request.url '${url}' is not on this server (${base.href})`, `${where}.request.url`);
  }
  let path: string[];
  try {
    path = parsed.pathname.slice(base.pathname.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`${where}.request.url '${url}' has a malformed %-escape`, `${where}.request.url`);
  }
  const request: BatchEntryRequest = { method, path, query: queryValues(parsed.searchParams) };
  if (method === 'POST') {
    if (!isObject(entry.resource)) throw badRequest(`${where} is a POST without a resource`, `${where}.resource`);
    request.resource = entry.resource as unknown as Resource;
  }
  return request;
}

/** About what one entry refused for size takes in the answer. */
const REFUSAL_BYTES = 700;

function batchTooLarge(limits: BatchLimits): FhirError {
  return tooCostly(`The answers to this batch pass ${limits.maxResponseBytes} bytes (MAX_BATCH_RESPONSE_BYTES): this entry and the rest are not answered; split the batch`);
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

function failure(status: number, outcome: OperationOutcome): BundleEntry {
  return { response: { status: statusLine(status), outcome } };
}

/** Lets the event loop run (other requests, health checks) before the next entry. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Answer a batch Bundle, entry by entry, letting other requests in between entries: a batch of
 * heavy entries must not hold the process (and its health check) for the sum of them. Client
 * faults in an entry (FhirError, TerminologyError) become that entry's 4xx; anything else is a
 * bug: reported to `onBug` and answered 500 for that entry alone.
 */
export async function processBatch(
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
      if (full) throw batchTooLarge(limits);
      const resource = handle(entryRequest(entry, index, baseUrl));
      bytes += jsonLength(resource);
      if (bytes > budget) {
        full = true;
        throw batchTooLarge(limits);
      }
      responses.push({ resource, response: { status: statusLine(200) } });
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
