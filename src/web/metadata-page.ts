import type { CapabilityStatement } from 'fhir/r4';
import { facts, WebContext } from './context';
import { html, jsonHref, link, page, table } from './html';

/** The CapabilityStatement as a page: what the server is, and what it answers on which resource. */
export function metadataPage(ctx: WebContext, statement: CapabilityStatement): string {
  const rest = statement.rest?.[0];
  const definitionLink = (canonical: string | undefined, name: string) => {
    const id = canonical?.split('/').pop()?.split('|')[0];
    return id ? link(`${ctx.site.base}/OperationDefinition/${encodeURIComponent(id)}?_format=json`, `$${name}`) : html`$${name}`;
  };
  const resources = (rest?.resource ?? []).map((r) => [
    link(`${ctx.site.base}/${r.type}`, r.type),
    html`${(r.interaction ?? []).map((i) => i.code).join(', ')}`,
    html`${(r.operation ?? []).map((o, i) => html`${i ? ', ' : ''}${definitionLink(o.definition, o.name)}`)}`,
    html`${(r.searchParam ?? []).map((s) => s.name).join(', ')}`,
  ]);
  const body = html`<p class="lead">${statement.description}</p>
${facts([
  ['Software', `${statement.software?.name ?? ''} ${statement.software?.version ?? ''}`.trim()],
  ['FHIR version', statement.fhirVersion],
  ['Formats', (statement.format ?? []).join(', ')],
  ['Kind', statement.kind],
  ['Endpoint', statement.implementation?.url],
  ['Status', statement.status],
])}
<h2>Resources</h2>
${table('What each resource type answers', ['Type', 'Interactions', 'Operations', 'Search parameters'], resources)}
<h2>System operations</h2>
${table('Operations on the server', ['Operation'], (rest?.operation ?? []).map((o) => [definitionLink(o.definition, o.name)]))}
<p>${link(jsonHref(`${ctx.site.base}/metadata`, { mode: 'terminology' }), 'TerminologyCapabilities (JSON)')}</p>`;
  return page(ctx.site, { title: 'Capabilities', trail: [['Capabilities', `${ctx.site.base}/metadata`]], jsonUrl: jsonHref(`${ctx.site.base}/metadata`, {}), body });
}
