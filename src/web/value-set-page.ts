import type { ValueSet, ValueSetComposeInclude } from 'fhir/r4';
import { clientErrorResponse } from '../fhir/operation-outcome';
import { facts, provenanceNotes, provenanceTable, resourcePath, titleOf, WebContext } from './context';
import { form } from './forms';
import { codeLink, href, html, Html, jsonHref, link, page, table } from './html';
import { EXPAND_PAGE_SIZE, expansionSection } from './expand-page';

/** A value set: what it is for, how it is defined, and its expansion with displays. */

function includeRow(ctx: WebContext, include: ValueSetComposeInclude): Html[] {
  const system = include.system ? resourcePath(ctx, 'CodeSystem', include.system) : undefined;
  const from = html`${system ? link(system, include.system) : html`<code>${include.system}</code>`}${include.version ? ` version ${include.version}` : ''}`;
  const parts: Html[] = [];
  if (include.concept) parts.push(html`${include.concept.map((c, i) => html`${i ? ', ' : ''}${codeLink(ctx.site, include.system, c.code, include.version)}`)}`);
  if (include.filter) parts.push(html`where ${include.filter.map((f, i) => html`${i ? ' and ' : ''}<code>${f.property} ${f.op} ${f.value}</code>`)}`);
  if (include.valueSet) parts.push(html`codes of ${include.valueSet.map((v, i) => html`${i ? ', ' : ''}${resourcePath(ctx, 'ValueSet', v) ? link(resourcePath(ctx, 'ValueSet', v) as string, v) : v}`)}`);
  if (!include.concept && !include.filter && include.system) parts.push(html`all codes`);
  return [from, html`${parts.map((p, i) => html`${i ? html`<br>` : ''}${p}`)}`];
}

export function valueSetPage(ctx: WebContext, resource: ValueSet, query: Record<string, string>, acceptLanguage?: string): string {
  const title = titleOf(resource);
  const self = `/ValueSet/${resource.id}`;
  const filter = query.filter ?? '';
  const asked: Record<string, string> = { url: resource.url ?? '', count: String(EXPAND_PAGE_SIZE) };
  if (resource.version) asked.valueSetVersion = resource.version;
  if (filter) asked.filter = filter;
  if (query.offset) asked.offset = query.offset;
  let expansion: Html;
  try {
    const expanded = ctx.run({ type: 'ValueSet', name: '$expand', query: asked, acceptLanguage }) as ValueSet;
    expansion = expansionSection(ctx, expanded, (offset) => href(ctx.site, self, { filter, offset }));
  } catch (e) {
    const known = clientErrorResponse(e);
    if (!known) throw e;
    expansion = html`<p class="problem" role="alert">This value set cannot be expanded here: ${known.outcome.issue.map((i) => i.details?.text ?? i.diagnostics).join('; ')}</p>`;
  }
  const search = form({
    id: 'vs-filter',
    action: `${ctx.site.base}${self}`,
    legend: 'Filter the expansion',
    fields: [{ kind: 'text', name: 'filter', label: 'Code or words', size: 40 }],
    submit: 'Filter',
    values: { filter },
  });
  const body = html`<p class="lead">${resource.description}</p>
${facts([
  ['Canonical URL', html`<code>${resource.url}</code>`],
  ['Version', resource.version],
  ['Status', resource.status],
  ['Purpose', resource.purpose],
  ['Publisher', resource.publisher],
])}
<p class="actions">${link(href(ctx.site, '/ValueSet/$validate-code', { url: resource.url }), 'Validate a code against this value set')} ${link(href(ctx.site, '/ValueSet/$expand', { url: resource.url }), 'Expand with options')}</p>
<h2>Codes</h2>
${search}
${expansion}
<h2>Definition</h2>
${table('Included', ['From', 'Codes'], (resource.compose?.include ?? []).map((i) => includeRow(ctx, i)))}
${resource.compose?.exclude?.length ? table('Excluded', ['From', 'Codes'], resource.compose.exclude.map((i) => includeRow(ctx, i))) : ''}
${provenanceTable(provenanceNotes(resource.extension), 'Statements of the source documents left out of this value set')}`;
  return page(ctx.site, {
    title,
    trail: [['Value sets', `${ctx.site.base}/ValueSet`], [title, `${ctx.site.base}${self}`]],
    jsonUrl: jsonHref(`${ctx.site.base}${self}`, {}),
    body,
  });
}
