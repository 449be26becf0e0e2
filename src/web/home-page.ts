import type { CodeSystem, ConceptMap, ValueSet } from 'fhir/r4';
import { clientErrorResponse } from '../fhir/operation-outcome';
import { searchConcepts, served, titleOf, WebContext } from './context';
import { form } from './forms';
import { codeLink, href, html, Html, link, page, table } from './html';

/**
 * The home page at the FHIR base: what is served, one search box across the code systems, and
 * the operation forms.
 */

const HITS_PER_SYSTEM = 10;

function searchResults(ctx: WebContext, text: string): Html {
  const sections: Html[] = [];
  let total = 0;
  for (const resource of served(ctx, 'CodeSystem')) {
    const cs = resource.url && !resource.supplements ? ctx.registry.codeSystem(resource.url, resource.version) : undefined;
    if (!cs) continue;
    const found = searchConcepts(cs, text, 0, HITS_PER_SYSTEM);
    if (!found.total) continue;
    total += found.total;
    const more = found.total > HITS_PER_SYSTEM ? link(href(ctx.site, `/CodeSystem/${resource.id}`, { filter: text }), `All ${found.total} in ${titleOf(resource)}`) : '';
    sections.push(
      html`<section class="hits"><h3>${link(`${ctx.site.base}/CodeSystem/${encodeURIComponent(resource.id ?? '')}`, titleOf(resource))} <small>${found.total} found</small></h3>
<ul>${found.page.map((c) => html`<li>${codeLink(ctx.site, cs.url, c.code, cs.version)} ${c.display}</li>`)}</ul>${more}</section>`,
    );
  }
  return html`<section aria-labelledby="results" class="results"><h2 id="results">${total ? `${total} concept${total === 1 ? '' : 's'} match “${text}”` : `Nothing matches “${text}”`}</h2>${sections}</section>`;
}

function expansionTotal(ctx: WebContext, vs: ValueSet): string {
  try {
    const query: Record<string, string> = { url: vs.url ?? '', count: '0' };
    if (vs.version) query.valueSetVersion = vs.version;
    const expanded = ctx.run({ type: 'ValueSet', name: '$expand', query }) as ValueSet;
    return expanded.expansion?.total === undefined ? '—' : String(expanded.expansion.total);
  } catch (e) {
    if (!clientErrorResponse(e)) throw e;
    return 'not expandable';
  }
}

export function codeSystemsTable(ctx: WebContext, systems: CodeSystem[]): Html {
  return table(
    `${systems.length} code system${systems.length === 1 ? '' : 's'}`,
    ['Title', 'Canonical URL', 'Version', 'Content', 'Concepts'],
    systems.map((cs) => [
      link(`${ctx.site.base}/CodeSystem/${encodeURIComponent(cs.id ?? '')}`, titleOf(cs)),
      html`<code>${cs.url}</code>`,
      html`${cs.version}`,
      html`${cs.supplements ? `supplement of ${cs.supplements}` : cs.content}`,
      html`${cs.url && !cs.supplements ? (ctx.registry.codeSystem(cs.url, cs.version)?.size ?? cs.count) : cs.concept?.length}`,
    ]),
  );
}

export function valueSetsTable(ctx: WebContext, valueSets: ValueSet[]): Html {
  return table(
    `${valueSets.length} value set${valueSets.length === 1 ? '' : 's'}`,
    ['Title', 'Canonical URL', 'Version', 'Codes'],
    valueSets.map((vs) => [link(`${ctx.site.base}/ValueSet/${encodeURIComponent(vs.id ?? '')}`, titleOf(vs)), html`<code>${vs.url}</code>`, html`${vs.version}`, html`${expansionTotal(ctx, vs)}`]),
  );
}

export function conceptMapsTable(ctx: WebContext, maps: ConceptMap[]): Html {
  return table(
    `${maps.length} concept map${maps.length === 1 ? '' : 's'}`,
    ['Title', 'From → to', 'Version', 'Mappings'],
    maps.map((m) => [
      link(`${ctx.site.base}/ConceptMap/${encodeURIComponent(m.id ?? '')}`, titleOf(m)),
      html`${(m.group ?? []).map((g, i) => html`${i ? html`<br>` : ''}<code>${g.source}</code> → <code>${g.target}</code>`)}`,
      html`${m.version}`,
      html`${(m.group ?? []).reduce((n, g) => n + g.element.reduce((k, e) => k + (e.target?.length ?? 0), 0), 0)}`,
    ]),
  );
}

export function homePage(ctx: WebContext, query: Record<string, string>): string {
  const text = (query.q ?? '').trim();
  const base = ctx.site.base;
  const body = html`<p class="lead">A FHIR R4 terminology server for the CT bone-strength CPT family (0554T–0557T) with the ICD-10-CM diagnoses, modifiers and provider specialties that go with it.
FHIR clients use the same addresses and get JSON; this page is what a browser sees.</p>
${form({
  id: 'search',
  action: base,
  legend: 'Search the code systems',
  fields: [{ kind: 'text', name: 'q', label: 'Code or words', hint: 'e.g. M81.0, 0556T or “osteopor”', size: 40 }],
  submit: 'Search',
  values: { q: text },
})}
${text ? searchResults(ctx, text) : ''}
<section aria-labelledby="ops"><h2 id="ops">Operations</h2><ul class="oplist">
<li>${link(`${base}/CodeSystem/$lookup`, 'Look up a code')} <small>$lookup: display, properties, hierarchy</small></li>
<li>${link(`${base}/ValueSet/$validate-code`, 'Validate a code against a value set')} <small>$validate-code</small></li>
<li>${link(`${base}/CodeSystem/$validate-code`, 'Validate a code against a code system')} <small>$validate-code</small></li>
<li>${link(`${base}/ConceptMap/$translate`, 'Translate a code')} <small>$translate: procedures to diagnoses, specialties, related procedures</small></li>
<li>${link(`${base}/ValueSet/$expand`, 'Expand a value set')} <small>$expand: filter and page through its codes</small></li>
<li>${link(`${base}/metadata`, 'What this server can do')} <small>CapabilityStatement</small></li>
</ul></section>
<h2>Code systems</h2>${codeSystemsTable(ctx, served(ctx, 'CodeSystem'))}
<h2>Value sets</h2>${valueSetsTable(ctx, served(ctx, 'ValueSet'))}
<h2>Concept maps</h2>${conceptMapsTable(ctx, served(ctx, 'ConceptMap'))}
<p class="muted">FHIR's own code systems and value sets (administrative-gender and the rest) answer too, by their canonical URLs.</p>`;
  return page(ctx.site, { title: 'Bone-strength terminology', body });
}
