import type { Parameters } from 'fhir/r4';
import { choicesOf, parameterNamed, parametersNamed, resourcePath, served, titleOf, valueText, WebContext } from './context';
import { datalist, form } from './forms';
import { codeLink, html, Html, jsonHref, link, page, table } from './html';
import { outcomeSection, verdict } from './validate-code-page';

/** $translate: the codes a code maps to, each a link to its concept page and to the map it came from. */

export function translateForm(ctx: WebContext, values: Record<string, string>): Html {
  const systems = choicesOf(served(ctx, 'CodeSystem'));
  return html`${form({
    id: 'translate',
    action: `${ctx.site.base}/ConceptMap/$translate`,
    legend: 'Translate a code',
    fields: [
      { kind: 'text', name: 'system', label: 'Code system of the code', list: 'translate-systems', required: true, size: 45 },
      { kind: 'text', name: 'code', label: 'Code', required: true, size: 15 },
      { kind: 'select', name: 'url', label: 'Concept map', choices: choicesOf(served(ctx, 'ConceptMap')), optional: 'Any map that applies' },
      { kind: 'text', name: 'targetsystem', label: 'Target code system (optional)', list: 'translate-systems', size: 45 },
      { kind: 'checkbox', name: 'reverse', label: 'Reverse: find the codes that map to this one' },
    ],
    submit: 'Translate',
    values,
  })}${datalist('translate-systems', systems)}`;
}

export function translatePage(ctx: WebContext, query: Record<string, string>, acceptLanguage?: string): string {
  const path = `${ctx.site.base}/ConceptMap/$translate`;
  if (!query.code && !query.coding && !query.codeableConcept) {
    return page(ctx.site, { title: 'Translate a code', trail: [['$translate', path]], body: translateForm(ctx, query) });
  }
  const result = ctx.run({ type: 'ConceptMap', name: '$translate', query, acceptLanguage }) as Parameters;
  const ok = valueText(parameterNamed(result, 'result')) === 'true';
  const found = parametersNamed(result, 'match');
  const systems = new Set(found.map((m) => parameterNamed(m, 'concept')?.valueCoding?.system));
  const matches = found.map((m) => {
    const concept = parameterNamed(m, 'concept')?.valueCoding;
    const source = valueText(parameterNamed(m, 'source'));
    const map = source ? ctx.registry.resolve('ConceptMap', source) : undefined;
    const mapPage = resourcePath(ctx, 'ConceptMap', source);
    const cells = [
      html`<span class="equivalence">${valueText(parameterNamed(m, 'equivalence')) ?? valueText(parameterNamed(m, 'relationship'))}</span>`,
      concept ? codeLink(ctx.site, concept.system, concept.code, concept.version) : html``,
      html`${concept?.display}`,
      html`${valueText(parameterNamed(m, 'comment'))}`,
      mapPage ? link(mapPage, map ? titleOf(map) : source) : html`${source}`,
    ];
    if (systems.size > 1) cells.splice(3, 0, html`<code>${concept?.system}</code>`);
    return cells;
  });
  const headers = ['Equivalence', 'Code', 'Display', ...(systems.size > 1 ? ['System'] : []), 'Comment', 'Map'];
  const targetSystem = systems.size === 1 ? [...systems][0] : undefined;
  const body = html`${verdict(ok, ok ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : 'No translation', valueText(parameterNamed(result, 'message')))}
<p>${query.reverse === 'true' ? 'Codes that map to' : 'Translations of'} ${codeLink(ctx.site, query.system, query.code)}${query.system ? html` in <code>${query.system}</code>` : ''}${targetSystem ? html`, to <code>${targetSystem}</code>` : ''}</p>
${table('Matches', headers, matches, 'No matches.')}
${outcomeSection(result)}
${translateForm(ctx, query)}`;
  return page(ctx.site, { title: `Translate ${query.code ?? ''}`, trail: [['$translate', path]], jsonUrl: jsonHref(path, query), body });
}
