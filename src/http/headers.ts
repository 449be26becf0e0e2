import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { requestIdOf } from './logging';

/** On every response: CORS for browser apps on any origin (and the headers they may read), and the security headers. */
const ON_EVERY_RESPONSE: readonly string[] = [
  'Access-Control-Allow-Origin', '*',
  'Access-Control-Expose-Headers', 'X-Cache-Id, X-Request-Id, Allow, ETag',
  'X-Content-Type-Options', 'nosniff',
  'Referrer-Policy', 'no-referrer',
];

/** On a CORS preflight (OPTIONS) only: what a browser app may send. */
const PREFLIGHT_HEADERS: [string, string][] = [
  ['Access-Control-Allow-Headers', 'Content-Type, Accept, Accept-Language, Authorization, Prefer, If-None-Match, X-Cache-Id, X-Request-Id'],
  ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
  ['Access-Control-Max-Age', '600'],
];

/**
 * The headers every response carries (its X-Request-Id, CORS, the security headers) as the flat
 * name, value list that `writeHead` takes. A FHIR answer writes them together with its own in one
 * `writeHead` (`sendResource`): headers set one at a time cost about a tenth of a small answer's
 * time. A response sent through Express (a page, a probe, a preflight) sets them first with
 * `setResponseHeaders`.
 */
export function responseHeaders(res: ServerResponse): string[] {
  const id = requestIdOf(res);
  return id === undefined ? [...ON_EVERY_RESPONSE] : ['X-Request-Id', id, ...ON_EVERY_RESPONSE];
}

/** Set the headers every response carries, for a response that Express will send. */
export function setResponseHeaders(res: ServerResponse): void {
  const list = responseHeaders(res);
  for (let i = 0; i < list.length; i += 2) res.setHeader(list[i], list[i + 1]);
}

/** A CORS preflight is answered here; every other request passes on. */
export const corsPreflight: RequestHandler = (req, res, next) => {
  if (req.method !== 'OPTIONS') return next();
  setResponseHeaders(res);
  for (const [name, value] of PREFLIGHT_HEADERS) res.setHeader(name, value);
  res.status(204).end();
};
