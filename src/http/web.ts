import type { RequestHandler } from 'express';
import type { CapabilityStatement, FhirResource } from 'fhir/r4';
import type { FhirDispatcher } from '../fhir/dispatcher';
import type { QueryValues } from '../fhir/parameters';
import { SCRIPT, STYLESHEET } from '../web/assets';
import type { WebContext } from '../web/context';
import { webPage } from '../web/pages';
import { setResponseHeaders } from './headers';
import { prefersHtml } from './respond';

/**
 * The web view: a browser's GET at an address of the FHIR API (Accept: text/html first, no
 * _format) gets a page; every other request passes on to the FHIR routes untouched.
 */

export interface WebOptions {
  /** Where the FHIR routes are mounted, as browsers see it (`/fhir`). */
  mount: string;
  softwareVersion: string;
}

const ASSETS: Record<string, { type: string; body: string }> = {
  '/_web/web.css': { type: 'text/css; charset=utf-8', body: STYLESHEET },
  '/_web/web.js': { type: 'text/javascript; charset=utf-8', body: SCRIPT },
};

/** Pages load their own stylesheet and script and post nowhere else. */
const PAGE_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function singleValued(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string' && first !== '') out[k] = first;
  }
  return out;
}

export function webPages(dispatcher: FhirDispatcher, options: WebOptions): RequestHandler {
  // pages ask the dispatcher exactly what a FHIR client's GET asks it
  const get = (path: string, query: QueryValues, acceptLanguage?: string): FhirResource =>
    dispatcher.resource({ method: 'GET', path, query, headers: { 'accept-language': acceptLanguage } }) as FhirResource;
  const ctx: WebContext = {
    site: { base: options.mount, assets: `${options.mount}/_web`, softwareVersion: options.softwareVersion },
    registry: dispatcher.registry,
    run: (call) => get(`/${call.type}${call.id === undefined ? '' : `/${encodeURIComponent(call.id)}`}/${call.name}`, call.query, call.acceptLanguage),
    capabilityStatement: () => get('/metadata', {}) as CapabilityStatement,
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const asset = ASSETS[req.path];
    if (asset) {
      setResponseHeaders(res);
      res.set('Cache-Control', 'public, max-age=3600').type(asset.type).send(asset.body);
      return;
    }
    // API clients never ask for text/html: they pass after one string search
    if (!req.headers.accept?.includes('text/html') || !prefersHtml(req, req.query as QueryValues)) return next();
    try {
      const answer = webPage(ctx, { path: req.path, query: singleValued(req.query as Record<string, unknown>), acceptLanguage: req.get('accept-language') });
      if (!answer) return next();
      setResponseHeaders(res);
      res.status(answer.status).set({ 'Content-Security-Policy': PAGE_POLICY, Vary: 'Accept' }).type('html').send(answer.html);
    } catch (e) {
      next(e);
    }
  };
}
