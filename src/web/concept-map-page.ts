import type { ConceptMap } from 'fhir/r4';
import { facts, provenanceNotes, resourcePath, titleOf, WebContext } from './context';
import { codeLink, href, html, Html, jsonHref, link, page, table } from './html';

/** A concept map: each mapping with both codes linked to their concept pages. */
export function conceptMapPage(ctx: WebContext, resource: ConceptMap): string {
  const title = titleOf(resource);
  const self = `/ConceptMap/${resource.id}`;
  const groups = (resource.group ?? []).map((g) => {
    const rows: Html[][] = g.element.flatMap((e) =>
      (e.target ?? [{ equivalence: 'unmatched' as const }]).map((t) => {
        const notes = provenanceNotes(t.extension);
        return [
          html`${codeLink(ctx.site, g.source, e.code, g.sourceVersion)} ${e.display}`,
          html`<span class="equivalence">${t.equivalence}</span>`,
          t.code ? html`${codeLink(ctx.site, g.target, t.code, g.targetVersion)} ${t.display}` : html`<span class="muted">—</span>`,
          html`${t.comment}${notes.map((n) => html`<br><small>Source: ${n.original} — ${n.verdict}${n.correction ? `: ${n.correction}` : ''}</small>`)}`,
        ];
      }),
    );
    const source = resourcePath(ctx, 'CodeSystem', g.source);
    const target = resourcePath(ctx, 'CodeSystem', g.target);
    return html`<h2>${source ? link(source, g.source) : g.source} → ${target ? link(target, g.target) : g.target}</h2>
${table(`${rows.length} mapping${rows.length === 1 ? '' : 's'}`, ['Source code', 'Equivalence', 'Target code', 'Comment'], rows)}`;
  });
  const body = html`<p class="lead">${resource.description}</p>
${facts([
  ['Canonical URL', html`<code>${resource.url}</code>`],
  ['Version', resource.version],
  ['Status', resource.status],
  ['Source value set', resource.sourceUri ?? resource.sourceCanonical],
  ['Target value set', resource.targetUri ?? resource.targetCanonical],
])}
<p class="actions">${link(href(ctx.site, '/ConceptMap/$translate', { url: resource.url }), 'Translate a code with this map')}</p>
${groups}`;
  return page(ctx.site, {
    title,
    trail: [['Concept maps', `${ctx.site.base}/ConceptMap`], [title, `${ctx.site.base}${self}`]],
    jsonUrl: jsonHref(`${ctx.site.base}${self}`, {}),
    body,
  });
}
