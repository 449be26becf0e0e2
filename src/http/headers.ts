import type { RequestHandler } from 'express';

/** On every answer: CORS for browser apps on any origin (and the headers they may read), and the security headers. */
const ANSWER_HEADERS: [string, string][] = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', 'X-Cache-Id, X-Request-Id, Allow'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];

/** On a CORS preflight (OPTIONS) only: what a browser app may send. */
const PREFLIGHT_HEADERS: [string, string][] = [
  ['Access-Control-Allow-Headers', 'Content-Type, Accept, Accept-Language, Authorization, Prefer, X-Cache-Id, X-Request-Id'],
  ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
  ['Access-Control-Max-Age', '600'],
];

/** CORS and the security headers; a CORS preflight is answered here. */
export const corsAndSecurityHeaders: RequestHandler = (req, res, next) => {
  for (const [name, value] of ANSWER_HEADERS) res.setHeader(name, value);
  if (req.method === 'OPTIONS') {
    for (const [name, value] of PREFLIGHT_HEADERS) res.setHeader(name, value);
    res.status(204).end();
    return;
  }
  next();
};
