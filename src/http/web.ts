import type { RequestHandler } from 'express';
import { capabilityStatement } from '../fhir/capabilities';
import { SCRIPT, STYLESHEET } from '../web/assets';
import type { WebContext } from '../web/context';
import { webPage } from '../web/pages';
import { runOperationCall, TerminologyService } from './operations';
import { prefersHtml } from './respond';

/**
 * The web view: a browser's GET at an address of the FHIR API (Accept: text/html first, no
 * _format) gets a page; every other request passes on to the FHIR routes untouched.
 */

export interface WebOptions {
  /** Where the FHIR routes are mounted, as browsers see it (`/fhir`). */
  mount: string;
  baseUrl: string;
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

export function webPages(service: TerminologyService, options: WebOptions): RequestHandler {
  const ctx: WebContext = {
    site: { base: options.mount, assets: `${options.mount}/_web`, softwareVersion: options.softwareVersion },
    registry: service.registry,
    run: (call) => runOperationCall(service, { method: 'GET', type: call.type, name: call.name, id: call.id, query: call.query, acceptLanguage: call.acceptLanguage }),
    capabilityStatement: () => capabilityStatement({ baseUrl: options.baseUrl, softwareVersion: options.softwareVersion, date: new Date().toISOString() }),
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const asset = ASSETS[req.path];
    if (asset) {
      res.set('Cache-Control', 'public, max-age=3600').type(asset.type).send(asset.body);
      return;
    }
    // API clients never ask for text/html: they pass after one string search
    if (!req.headers.accept?.includes('text/html') || !prefersHtml(req)) return next();
    try {
      const answer = webPage(ctx, { path: req.path, query: singleValued(req.query as Record<string, unknown>), acceptLanguage: req.get('accept-language') });
      if (!answer) return next();
      res.status(answer.status).set({ 'Content-Security-Policy': PAGE_POLICY, Vary: 'Accept' }).type('html').send(answer.html);
    } catch (e) {
      next(e);
    }
  };
}
