import type { Request, Response } from 'express';
import type { Resource } from 'fhir/r4';
import { jsonLength } from '../fhir/json-measure';
import { jsonText } from '../fhir/json-text';
import { clientError } from '../fhir/operation-outcome';
import type { QueryValues } from '../fhir/parameters';
import { responseHeaders } from './headers';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

/** How to answer: the media type (`_format` wins over Accept; only JSON is served) and `_pretty`. */
export interface ResponseFormat {
  type: string;
  pretty: boolean;
}

/** The format asked for; an unsupported `_format` is a 406. (The query is parsed once by the caller: Express parses it on each read of req.query.) */
export function responseFormat(query: QueryValues, accept: string | undefined): ResponseFormat {
  const pretty = query._pretty === 'true';
  const format = query._format;
  if (typeof format === 'string') {
    const base = format.split(';')[0].trim().toLowerCase();
    if (!JSON_FORMATS.has(base)) throw clientError('FORMAT_NOT_SUPPORTED', [format], '_format');
    return { type: base === 'application/json' ? 'application/json' : 'application/fhir+json', pretty };
  }
  if (accept !== undefined && accept.includes('application/json') && !accept.includes('fhir+json')) return { type: 'application/json', pretty };
  return { type: 'application/fhir+json', pretty };
}

/** A browser asking for a page (Accept: text/html first) rather than a FHIR client asking for JSON. */
export function prefersHtml(req: Request, query: QueryValues): boolean {
  return query._format === undefined && req.accepts(['application/fhir+json', 'application/json', 'text/html']) === 'text/html';
}

/**
 * Send a FHIR resource as JSON; one larger than maxResponseBytes is refused. Answers that can grow
 * with the content (expansions, Bundles) are measured before they are serialised, so that one of
 * hundreds of megabytes is never built; the others are bounded by their inputs and checked after.
 */
export function sendResource(res: Response, status: number, resource: Resource, format: ResponseFormat, maxResponseBytes = Number.POSITIVE_INFINITY, headers?: Record<string, string>): void {
  if (status === 304) return sendNotModified(res, headers);
  const growsWithContent = resource.resourceType === 'ValueSet' || resource.resourceType === 'Bundle';
  if (growsWithContent && maxResponseBytes !== Number.POSITIVE_INFINITY && jsonLength(resource) > maxResponseBytes) return refuseAsTooLarge(res, format, maxResponseBytes);
  // a string goes out joined to the headers in one write (a Buffer would be a writev of two: slower here)
  const body = jsonText(resource, format.pretty);
  const length = Buffer.byteLength(body);
  if (length > maxResponseBytes) return refuseAsTooLarge(res, format, maxResponseBytes);
  // all the headers in one writeHead (see responseHeaders)
  res.writeHead(status, headWith(res, headers, 'Content-Type', `${format.type}; charset=utf-8`, 'Content-Length', String(length)));
  // An ASCII body (byte length = length) goes out as Latin-1, the same bytes: Node sizes the encoding
  // buffer at 3 bytes a character for UTF-8 and 1 for Latin-1, so an answer of 5.5-16 kB is written at
  // once from the stack rather than copied to the heap and written asynchronously (-10 % CPU a $translate).
  res.end(body, length === body.length ? 'latin1' : 'utf8');
}

/** 304 Not Modified: the headers (the ETag among them), no body. */
function sendNotModified(res: Response, headers?: Record<string, string>): void {
  res.writeHead(304, headWith(res, headers));
  res.end();
}

/** Every response's headers, then the body's (name, value, ...), then the answer's own, as writeHead takes them. */
function headWith(res: Response, headers: Record<string, string> | undefined, ...body: string[]): string[] {
  const head = responseHeaders(res);
  head.push(...body);
  if (headers) for (const name in headers) head.push(name, headers[name]);
  return head;
}

function refuseAsTooLarge(res: Response, format: ResponseFormat, maxResponseBytes: number): void {
  const refusal = clientError('RESPONSE_TOO_LARGE', [maxResponseBytes]);
  sendResource(res, refusal.status, refusal.toOperationOutcome(), format);
}

/** Send an error's OperationOutcome: as asked when that format can be served, FHIR JSON otherwise (an unsupported _format may be what is reported). */
export function sendOutcome(req: Request, res: Response, status: number, outcome: Resource, headers?: Record<string, string>): void {
  const query = req.query as QueryValues;
  let format: ResponseFormat = { type: 'application/fhir+json', pretty: query._pretty === 'true' };
  try {
    format = responseFormat(query, req.get('accept'));
  } catch {
    // keep FHIR JSON
  }
  sendResource(res, status, outcome, format, Number.POSITIVE_INFINITY, headers);
}
