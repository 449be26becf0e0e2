import type { Parameters, ParametersParameter } from 'fhir/r4';
import type { Concept } from '../terminology/code-system-index';
import { choicesOf, facts, parameterNamed, parametersNamed, provenanceNotes, provenanceTable, resourcePath, served, valueText, WebContext } from './context';
import { datalist, form } from './forms';
import { codeLink, href, html, Html, jsonHref, link, page, table } from './html';

/** $lookup as a concept page: display, definition, properties as a table, related codes as links. */

export function lookupForm(ctx: WebContext, values: Record<string, string>): Html {
  return html`${form({
    id: 'lookup',
    action: `${ctx.site.base}/CodeSystem/$lookup`,
    legend: 'Look up a code',
    fields: [
      { kind: 'text', name: 'system', label: 'Code system', list: 'lookup-systems', required: true, size: 45 },
      { kind: 'text', name: 'code', label: 'Code', required: true, size: 15 },
      { kind: 'text', name: 'version', label: 'Version (optional)', size: 10 },
    ],
    submit: 'Look up',
    values,
  })}${datalist('lookup-systems', choicesOf(served(ctx, 'CodeSystem')))}`;
}

/** A property value: codes of the same system (parent, child, ...) link to their own pages. */
function propertyValue(ctx: WebContext, system: string | undefined, version: string | undefined, value: ParametersParameter | undefined, known: (code: string) => boolean): Html {
  if (!value) return html``;
  if (value.valueCode !== undefined && system && known(value.valueCode)) return codeLink(ctx.site, system, value.valueCode, version);
  if (value.valueCoding) return html`${codeLink(ctx.site, value.valueCoding.system, value.valueCoding.code, value.valueCoding.version)} ${value.valueCoding.display}`;
  if (value.valueCode !== undefined) return html`<code>${value.valueCode}</code>`;
  return html`${valueText(value)}`;
}

function relatedList(ctx: WebContext, system: string, version: string | undefined, concepts: (Concept | undefined)[]): Html {
  const present = concepts.filter((c): c is Concept => c !== undefined);
  if (!present.length) return html`<p class="empty">None.</p>`;
  return html`<ul class="related">${present.map((c) => html`<li>${codeLink(ctx.site, system, c.code, version)} ${c.display}</li>`)}</ul>`;
}

export function lookupPage(ctx: WebContext, query: Record<string, string>, acceptLanguage?: string): string {
  const path = `${ctx.site.base}/CodeSystem/$lookup`;
  const trail: [string, string][] = [['$lookup', path]];
  if (!query.code && !query.coding) return page(ctx.site, { title: 'Look up a code', trail, body: lookupForm(ctx, query) });

  const result = ctx.run({ type: 'CodeSystem', name: '$lookup', query, acceptLanguage }) as Parameters;
  const code = valueText(parameterNamed(result, 'code')) ?? query.code;
  const system = valueText(parameterNamed(result, 'system')) ?? query.system;
  const version = valueText(parameterNamed(result, 'version'));
  const display = valueText(parameterNamed(result, 'display'));
  const cs = system ? ctx.registry.codeSystem(system, version) : undefined;
  const concept = cs?.get(code);
  const csPage = resourcePath(ctx, 'CodeSystem', system);
  const definitions = new Map((cs?.resource.property ?? []).map((p) => [p.code, p.description]));

  const properties = parametersNamed(result, 'property').map((p) => {
    const propertyCode = valueText(parameterNamed(p, 'code')) ?? '';
    return [
      html`<code>${propertyCode}</code>${definitions.get(propertyCode) ? html`<br><small>${definitions.get(propertyCode)}</small>` : ''}`,
      propertyValue(ctx, system, version, parameterNamed(p, 'value'), (c) => cs?.has(c) === true),
      html`${valueText(parameterNamed(p, 'description'))}`,
    ];
  });
  const designations = parametersNamed(result, 'designation').map((d) => [
    html`${valueText(parameterNamed(d, 'language'))}`,
    html`${parameterNamed(d, 'use')?.valueCoding?.display ?? parameterNamed(d, 'use')?.valueCoding?.code}`,
    html`${valueText(parameterNamed(d, 'value'))}`,
  ]);
  const hierarchy =
    concept && system && cs?.hasHierarchy
      ? html`<h2>Hierarchy</h2><div class="two"><section aria-labelledby="broader"><h3 id="broader">Broader</h3>${relatedList(ctx, system, version, concept.parents.map((c) => cs.get(c)))}</section>
<section aria-labelledby="narrower"><h3 id="narrower">Narrower</h3>${relatedList(ctx, system, version, concept.children.map((c) => cs.get(c)))}</section></div>${
          csPage ? html`<p>${link(href(ctx.site, csPage.slice(ctx.site.base.length), { under: concept.children.length ? concept.code : concept.parents[0] }), 'Browse around it in the code system')}</p>` : ''
        }`
      : html``;
  const body = html`<p class="lead">${display}</p>
${facts([
  ['Code', html`<code>${code}</code>`],
  ['Code system', csPage ? link(csPage, valueText(parameterNamed(result, 'name')) ?? system) : html`<code>${system}</code>`],
  ['System URL', html`<code>${system}</code>`],
  ['Version', version],
  ['Definition', valueText(parameterNamed(result, 'definition')) ?? concept?.definition],
  ['Abstract (not selectable)', valueText(parameterNamed(result, 'abstract'))],
])}
<p class="actions">${link(href(ctx.site, '/ValueSet/$validate-code', { system, code }), 'Validate this code')} ${link(href(ctx.site, '/ConceptMap/$translate', { system, code }), 'Translate this code')}</p>
<h2>Properties</h2>
${table('Properties of this concept', ['Property', 'Value', 'Description'], properties)}
${designations.length ? html`<h2>Designations</h2>${table('Other names', ['Language', 'Use', 'Value'], designations)}` : ''}
${hierarchy}
${provenanceTable(provenanceNotes(concept?.extension))}
${lookupForm(ctx, { system: system ?? '', code: '' })}`;
  return page(ctx.site, { title: `${code} ${display ?? ''}`.trim(), trail, jsonUrl: jsonHref(path, query), body });
}
