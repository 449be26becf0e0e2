import type { OperationOutcome } from 'fhir/r4';
import { clientError, clientErrorResponse } from '../fhir/operation-outcome';
import { isTerminologyType, type TerminologyResourceType } from '../terminology/registry';
import { codeSystemPage } from './code-system-page';
import { conceptMapPage } from './concept-map-page';
import { served, WebContext, WebRequest, WebResponse } from './context';
import { expandPage } from './expand-page';
import { codeSystemsTable, conceptMapsTable, homePage, valueSetsTable } from './home-page';
import { html, page } from './html';
import { lookupPage } from './lookup-page';
import { metadataPage } from './metadata-page';
import { translatePage } from './translate-page';
import { issuesTable, validateCodePage } from './validate-code-page';
import { valueSetPage } from './value-set-page';

/**
 * Which page answers a browser at an address of the FHIR API. Undefined: no page here, the JSON
 * answer stands (searches with parameters, system operations, anything unknown).
 */

function segments(path: string): string[] | undefined {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** An operation asked of one resource (`ValueSet/x/$expand`) is the same operation naming it by url. */
function withInstance(ctx: WebContext, type: TerminologyResourceType, id: string, query: Record<string, string>): Record<string, string> | undefined {
  const resource = ctx.registry.read(type, id);
  if (!resource?.url) return undefined;
  return { ...query, url: resource.url, ...(resource.version && type === 'ValueSet' ? { valueSetVersion: resource.version } : {}) };
}

function operationPage(ctx: WebContext, type: string, name: string, query: Record<string, string>, acceptLanguage?: string): string | undefined {
  switch (`${type}/${name}`) {
    case 'CodeSystem/$lookup':
      return lookupPage(ctx, query, acceptLanguage);
    case 'CodeSystem/$validate-code':
      return validateCodePage(ctx, 'CodeSystem', query, acceptLanguage);
    case 'ValueSet/$validate-code':
      return validateCodePage(ctx, 'ValueSet', query, acceptLanguage);
    case 'ValueSet/$expand':
      return expandPage(ctx, query, acceptLanguage);
    case 'ConceptMap/$translate':
      return translatePage(ctx, query, acceptLanguage);
    default:
      return undefined;
  }
}

function listPage(ctx: WebContext, type: TerminologyResourceType): string {
  const titles = { CodeSystem: 'Code systems', ValueSet: 'Value sets', ConceptMap: 'Concept maps' };
  const body =
    type === 'CodeSystem' ? codeSystemsTable(ctx, served(ctx, 'CodeSystem')) : type === 'ValueSet' ? valueSetsTable(ctx, served(ctx, 'ValueSet')) : conceptMapsTable(ctx, served(ctx, 'ConceptMap'));
  return page(ctx.site, { title: titles[type], trail: [[titles[type], `${ctx.site.base}/${type}`]], jsonUrl: `${ctx.site.base}/${type}?_format=json`, body });
}

function route(ctx: WebContext, request: WebRequest): string | undefined {
  const parts = segments(request.path);
  if (!parts) return undefined;
  const { query, acceptLanguage } = request;
  if (parts.length === 0) return homePage(ctx, query);
  if (parts.length === 1 && parts[0] === 'metadata') return query.mode === undefined ? metadataPage(ctx, ctx.capabilityStatement()) : undefined;
  const [resourceType, second, third] = parts;
  if (!isTerminologyType(resourceType) || parts.length > 3) return undefined;
  if (parts.length === 1) return Object.keys(query).length === 0 ? listPage(ctx, resourceType) : undefined;
  if (second.startsWith('$')) return operationPage(ctx, resourceType, second, query, acceptLanguage);
  if (third !== undefined) {
    if (!third.startsWith('$')) return undefined;
    const asked = withInstance(ctx, resourceType, second, query);
    return asked ? operationPage(ctx, resourceType, third, asked, acceptLanguage) : undefined;
  }
  const resource = ctx.registry.read(resourceType, second);
  if (!resource) throw clientError('RESOURCE_NOT_FOUND', [resourceType, second]);
  switch (resource.resourceType) {
    case 'CodeSystem':
      return codeSystemPage(ctx, resource, query);
    case 'ValueSet':
      return valueSetPage(ctx, resource, query, acceptLanguage);
    case 'ConceptMap':
      return conceptMapPage(ctx, resource);
  }
}

/** An error a client caused, as a page: the status, and the issues of the OperationOutcome. */
export function outcomePage(ctx: WebContext, status: number, outcome: OperationOutcome, jsonUrl?: string): string {
  return page(ctx.site, {
    title: status === 404 ? 'Not found' : 'The request could not be answered',
    jsonUrl,
    body: html`<div class="verdict-box refused" role="alert"><p class="headline">HTTP ${status}</p><p class="message">${outcome.issue.map((i) => i.details?.text ?? i.diagnostics).join(' ')}</p></div>${issuesTable(outcome.issue)}`,
  });
}

/** The page for a browser's GET, or undefined when the address has none. */
export function webPage(ctx: WebContext, request: WebRequest): WebResponse | undefined {
  try {
    const out = route(ctx, request);
    return out === undefined ? undefined : { status: 200, html: out };
  } catch (e) {
    const known = clientErrorResponse(e);
    if (!known) throw e;
    const search = new URLSearchParams(request.query);
    search.set('_format', 'json');
    return { status: known.status, html: outcomePage(ctx, known.status, known.outcome, `${ctx.site.base}${request.path}?${search.toString()}`) };
  }
}
