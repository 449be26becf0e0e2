import type { CodeSystem } from 'fhir/r4';
import type { CodeSystemIndex, Concept } from '../terminology/code-system-index';
import { facts, provenanceTable, provenanceNotes, searchConcepts, titleOf, WebContext } from './context';
import { form } from './forms';
import { codeLink, href, html, Html, jsonHref, link, page, table } from './html';
import { pager, PageWindow, pageWindow } from './paging';

/**
 * A code system: what it is, its properties, and its concepts, either browsed down the hierarchy
 * (`under`: the children of a concept, the roots by default) or searched by code or words
 * (`filter`), a page at a time.
 */

const PAGE_SIZE = 100;

function conceptRows(ctx: WebContext, cs: CodeSystemIndex, resource: CodeSystem, concepts: Concept[]): Html[][] {
  const self = `/CodeSystem/${resource.id}`;
  return concepts.map((c) => [
    codeLink(ctx.site, cs.url, c.code, cs.version),
    html`${c.display}${c.inactive ? html` <span class="tag">inactive</span>` : ''}${c.notSelectable ? html` <span class="tag">not selectable</span>` : ''}`,
    c.children.length ? link(href(ctx.site, self, { under: c.code }), `${c.children.length} narrower`) : html`<span class="muted">—</span>`,
  ]);
}

/** The path from a root down to a concept, for the breadcrumb of the hierarchy. */
function pathTo(cs: CodeSystemIndex, concept: Concept): Concept[] {
  const path = [concept];
  const seen = new Set([concept.code]);
  let current = concept;
  while (current.parents.length) {
    const parent = cs.get(current.parents[0]);
    if (!parent || seen.has(parent.code)) break;
    seen.add(parent.code);
    path.unshift(parent);
    current = parent;
  }
  return path;
}

export function codeSystemPage(ctx: WebContext, resource: CodeSystem, query: Record<string, string>): string {
  const title = titleOf(resource);
  const self = `/CodeSystem/${resource.id}`;
  const cs = resource.url ? ctx.registry.codeSystem(resource.url, resource.version) : undefined;
  const filter = (query.filter ?? '').trim();
  const under = query.under;
  let heading: Html;
  let list: Concept[] = [];
  let found: { window: PageWindow; shown: Concept[] } | undefined;
  if (!cs) {
    heading = html`<p>This code system has no concepts of its own here.</p>`;
    list = [];
  } else if (filter) {
    // one page ranked, not every match: a word such as "fracture" names tens of thousands of ICD-10-CM codes
    const asked = pageWindow(query.offset, PAGE_SIZE, Number.POSITIVE_INFINITY).offset;
    const atAsked = searchConcepts(cs, filter, asked, PAGE_SIZE);
    // an offset past the matches shows the first page, as pageWindow does for the other lists
    const offset = atAsked.page.length ? asked : 0;
    const result = offset === asked ? atAsked : searchConcepts(cs, filter, 0, PAGE_SIZE);
    found = { window: { offset, count: PAGE_SIZE, total: result.total }, shown: result.page };
    heading = html`<h2 id="concepts">Concepts matching “${filter}”</h2>`;
  } else if (under && cs.get(under)) {
    const concept = cs.get(under) as Concept;
    list = concept.children.map((code) => cs.get(code)).filter((c): c is Concept => c !== undefined);
    const trail = pathTo(cs, concept).map((c) => link(href(ctx.site, self, { under: c.code }), c.code));
    heading = html`<h2 id="concepts">Narrower than ${concept.code} ${concept.display}</h2><nav aria-label="Hierarchy" class="hierarchy">${link(href(ctx.site, self), 'Top level')} › ${trail.map((t, i) => html`${i ? ' › ' : ''}${t}`)} · ${link(href(ctx.site, '/CodeSystem/$lookup', { system: cs.url, code: concept.code, version: cs.version }), `concept page of ${concept.code}`)}</nav>`;
  } else {
    list = cs.roots.map((code) => cs.get(code)).filter((c): c is Concept => c !== undefined);
    heading = html`<h2 id="concepts">${cs.hasHierarchy ? 'Top-level concepts' : 'Concepts'}</h2>`;
  }
  const window = found?.window ?? pageWindow(query.offset, PAGE_SIZE, list.length);
  const shown = found?.shown ?? list.slice(window.offset, window.offset + window.count);
  const pageQuery = { filter: filter || undefined, under: filter ? undefined : under };
  const search = form({
    id: 'cs-search',
    action: `${ctx.site.base}${self}`,
    legend: 'Search this code system',
    fields: [{ kind: 'text', name: 'filter', label: 'Code or words', hint: 'e.g. a code, or the start of words of its display', size: 40 }],
    submit: 'Search',
    values: { filter },
  });
  const properties = table(
    'Properties concepts carry',
    ['Code', 'Type', 'Description'],
    (resource.property ?? []).map((p) => [html`<code>${p.code}</code>`, html`${p.type}`, html`${p.description}`]),
  );
  const body = html`<p class="lead">${resource.description}</p>
${facts([
  ['Canonical URL', html`<code>${resource.url}</code>`],
  ['Version', resource.version],
  ['Status', resource.status],
  ['Content', resource.content === 'fragment' ? 'fragment (only some codes of the code system)' : resource.content],
  ['Concepts', cs?.size],
  ['Hierarchy', cs?.hasHierarchy ? resource.hierarchyMeaning ?? 'is-a' : 'none'],
  ['Publisher', resource.publisher],
  ['Copyright', resource.copyright],
])}
<p class="actions">${link(href(ctx.site, '/CodeSystem/$lookup', { system: resource.url }), 'Look up a code')} ${link(href(ctx.site, '/CodeSystem/$validate-code', { url: resource.url }), 'Validate a code')}</p>
${search}
${heading}
${table(`${window.total} concept${window.total === 1 ? '' : 's'}${window.total > window.count ? `, ${window.offset + 1}–${window.offset + shown.length} shown` : ''}`, ['Code', 'Display', 'Narrower'], conceptRows(ctx, cs as CodeSystemIndex, resource, shown), filter ? 'No concept matches.' : 'No concepts.')}
${pager(window, (offset) => href(ctx.site, self, { ...pageQuery, offset }))}
<h2>Properties</h2>${properties}
${provenanceTable(provenanceNotes(resource.extension))}`;
  return page(ctx.site, {
    title,
    trail: [['Code systems', `${ctx.site.base}/CodeSystem`], [title, `${ctx.site.base}${self}`]],
    jsonUrl: jsonHref(`${ctx.site.base}${self}`, {}),
    body,
  });
}
