import type { RequestHandler } from 'express';

const HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, Accept, Accept-Language, Authorization, Prefer, X-Cache-Id, X-Request-Id',
  'Access-Control-Expose-Headers': 'X-Cache-Id, X-Request-Id, Allow',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** CORS for browser apps on any origin, and the security headers; a CORS preflight answered here. */
export const corsAndSecurityHeaders: RequestHandler = (req, res, next) => {
  for (const name in HEADERS) res.setHeader(name, HEADERS[name as keyof typeof HEADERS]);
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
};
