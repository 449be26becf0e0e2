import type { ValueSet, ValueSetExpansionContains } from 'fhir/r4';
import { choicesOf, resourcePath, served, titleOf, WebContext } from './context';
import { form } from './forms';
import { codeLink, href, html, Html, jsonHref, link, page, table } from './html';
import { pager } from './paging';

/** $expand: a value set's codes with their displays, filtered and paged. */

export const EXPAND_PAGE_SIZE = 50;

function flatten(contains: ValueSetExpansionContains[] | undefined, depth: number, out: [ValueSetExpansionContains, number][]): void {
  for (const c of contains ?? []) {
    out.push([c, depth]);
    flatten(c.contains, depth + 1, out);
  }
}

/** The table of an expansion, with links to each concept and pages through the rest. */
export function expansionSection(ctx: WebContext, expanded: ValueSet, hrefAt: (offset: number) => string): Html {
  const expansion = expanded.expansion;
  if (!expansion) return html`<p class="empty">No expansion.</p>`;
  const rows: [ValueSetExpansionContains, number][] = [];
  flatten(expansion.contains, 0, rows);
  const offset = expansion.offset ?? 0;
  const count = Number(expansion.parameter?.find((p) => p.name === 'count')?.valueInteger ?? rows.length);
  const total = expansion.total ?? offset + rows.length;
  const caption = `${total} code${total === 1 ? '' : 's'}${total > rows.length ? `, ${offset + 1}–${offset + rows.length} shown` : ''}`;
  const systems = new Set(rows.map(([c]) => c.system));
  return html`${table(
    caption,
    systems.size > 1 ? ['Code', 'Display', 'System'] : ['Code', 'Display'],
    rows.map(([c, depth]) => {
      const cells = [
        html`<span class="depth-${Math.min(depth, 6)}">${c.abstract ? html`<code>${c.code}</code>` : codeLink(ctx.site, c.system, c.code, c.version)}</span>`,
        html`${c.display}${c.inactive ? html` <span class="tag">inactive</span>` : ''}${c.abstract ? html` <span class="tag">not selectable</span>` : ''}`,
      ];
      if (systems.size > 1) cells.push(html`<code>${c.system}</code>`);
      return cells;
    }),
    'No codes match.',
  )}${pager({ offset, count: count > 0 ? count : EXPAND_PAGE_SIZE, total }, hrefAt)}`;
}

export function expandForm(ctx: WebContext, values: Record<string, string>): Html {
  return form({
    id: 'expand',
    action: `${ctx.site.base}/ValueSet/$expand`,
    legend: 'Expand a value set',
    fields: [
      { kind: 'select', name: 'url', label: 'Value set', choices: choicesOf(served(ctx, 'ValueSet')) },
      { kind: 'text', name: 'filter', label: 'Filter', hint: 'code or the start of words in the display' },
      { kind: 'number', name: 'count', label: 'Codes per page', min: 1, max: 1000 },
      { kind: 'number', name: 'offset', label: 'Start at', min: 0 },
    ],
    submit: 'Expand',
    values: { count: String(EXPAND_PAGE_SIZE), ...values },
  });
}

export function expandPage(ctx: WebContext, query: Record<string, string>, acceptLanguage?: string): string {
  const path = `${ctx.site.base}/ValueSet/$expand`;
  if (!query.url) {
    return page(ctx.site, { title: 'Expand a value set', trail: [['$expand', path]], body: expandForm(ctx, query) });
  }
  const asked = { count: String(EXPAND_PAGE_SIZE), ...query };
  const expanded = ctx.run({ type: 'ValueSet', name: '$expand', query: asked, acceptLanguage }) as ValueSet;
  const title = `Expansion of ${titleOf(expanded)}`;
  const vsPage = resourcePath(ctx, 'ValueSet', query.url);
  const body = html`${vsPage ? html`<p>${link(vsPage, 'About this value set')}</p>` : ''}
${expansionSection(ctx, expanded, (offset) => href(ctx.site, '/ValueSet/$expand', { ...asked, offset }))}
${expandForm(ctx, query)}`;
  return page(ctx.site, { title, trail: [['$expand', path]], jsonUrl: jsonHref(path, query), body });
}
