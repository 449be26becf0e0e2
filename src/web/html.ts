/**
 * The building blocks of every page: escaping, the page frame, tables, links. Everything that goes
 * into HTML passes through `escapeHtml` or is built from already escaped parts (type `Html`), so
 * content from resources or from the query string can never become markup.
 */

/** A string that is markup already (built here from escaped parts). */
export interface Html {
  readonly html: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const raw = (html: string): Html => ({ html });

type Part = Html | string | number | undefined | null | false;

/** Markup from a template: interpolated strings are escaped, `Html` parts are kept, arrays joined. */
export function html(strings: TemplateStringsArray, ...values: (Part | Part[])[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += (Array.isArray(v) ? v : [v]).map(part).join('') + strings[i + 1];
  });
  return raw(out);
}

function part(p: Part): string {
  if (p === undefined || p === null || p === false) return '';
  if (typeof p === 'object') return p.html;
  return escapeHtml(p);
}

/** Where the pages live: the FHIR base path as the browser sees it (links stay on the same host). */
export interface Site {
  /** Path of the FHIR base, e.g. `/fhir`. */
  base: string;
  /** Path of the static assets (stylesheet, script). */
  assets: string;
  softwareVersion: string;
}

/** A URL under the FHIR base with a query string; empty values are left out. */
export function href(site: Site, path: string, query: Record<string, string | number | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return `${site.base}${path}${qs ? `?${qs}` : ''}`;
}

/** The same address as JSON: what a FHIR client gets. */
export function jsonHref(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query);
  search.set('_format', 'json');
  return `${path}?${search.toString()}`;
}

export function link(url: string, text: Part): Html {
  return html`<a href="${url}">${text}</a>`;
}

/** A concept's page ($lookup) as a link on its code. */
export function codeLink(site: Site, system: string | undefined, code: string | undefined, version?: string): Html {
  if (!system || !code) return html`<code>${code}</code>`;
  return html`<a href="${href(site, '/CodeSystem/$lookup', { system, code, version })}"><code>${code}</code></a>`;
}

export function table(caption: string, headers: string[], rows: Html[][], empty = 'None.'): Html {
  if (!rows.length) return html`<p class="empty">${empty}</p>`;
  return html`<table><caption>${caption}</caption><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>\n`)}</tbody></table>`;
}

export interface PageOptions {
  title: string;
  /** Breadcrumb trail below the site name: [text, url] pairs. */
  trail?: [string, string][];
  /** The FHIR JSON of what the page shows. */
  jsonUrl?: string;
  body: Html;
}

export function page(site: Site, options: PageOptions): string {
  const trail = [['Home', site.base] as [string, string], ...(options.trail ?? [])];
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · Bone-strength terminology</title>
<link rel="stylesheet" href="${escapeHtml(site.assets)}/web.css"><script src="${escapeHtml(site.assets)}/web.js" defer></script>
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header><nav aria-label="Breadcrumb"><ol>${trail.map(([text, url]) => `<li><a href="${escapeHtml(url)}">${escapeHtml(text)}</a></li>`).join('')}</ol></nav>
<nav aria-label="Operations" class="ops"><a href="${escapeHtml(site.base)}/CodeSystem/$lookup">Look up</a><a href="${escapeHtml(site.base)}/ValueSet/$validate-code">Validate</a><a href="${escapeHtml(site.base)}/ConceptMap/$translate">Translate</a><a href="${escapeHtml(site.base)}/ValueSet/$expand">Expand</a><a href="${escapeHtml(site.base)}/metadata">Capabilities</a></nav></header>
<main id="main"><h1>${escapeHtml(options.title)}</h1>
${options.jsonUrl ? `<p class="json"><a href="${escapeHtml(options.jsonUrl)}">View as FHIR JSON</a></p>` : ''}
${options.body.html}
</main>
<footer>Bone-strength terminology server ${escapeHtml(site.softwareVersion)} · FHIR R4 · <a href="${escapeHtml(site.base)}/metadata">CapabilityStatement</a></footer>
</body></html>`;
}
