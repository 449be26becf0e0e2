import type { CodeSystem, CodeSystemConcept, ConceptMap, Extension, ValueSet, ValueSetComposeInclude } from 'fhir/r4';

/**
 * The human-readable page of a CodeSystem, ValueSet or ConceptMap, served when a browser asks for
 * one (Accept: text/html): what the resource is, its content, and the provenance notes it carries.
 */

const escape = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const PROVENANCE = 'http://fhir.bone-strength.org/StructureDefinition/seed-provenance';

/** How a page names each part of a seed-provenance note; parts not named here (the document's file name) are not shown. */
const PROVENANCE_LABELS: Record<string, string> = {
  source: 'Source',
  original: 'As written there',
  verdict: 'Finding',
  correction: 'Published instead',
  reason: 'Why',
};

/** The seed-provenance note of an element, as one line of text in a coder's words. */
function provenance(extensions: Extension[] | undefined): string {
  return (extensions ?? [])
    .filter((e) => e.url === PROVENANCE)
    .map((e) =>
      (e.extension ?? [])
        .filter((part) => PROVENANCE_LABELS[part.url] !== undefined)
        .map((part) => `${PROVENANCE_LABELS[part.url]}: ${part.valueString ?? (part.valueCode ?? '').replace(/-/g, ' ')}`)
        .join('; '),
    )
    .join(' | ');
}

function table(headers: string[], rows: string[][]): string {
  if (!rows.length) return '<p><em>none</em></p>';
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function conceptRows(concepts: CodeSystemConcept[] | undefined, depth: number, rows: string[][], limit: number): void {
  for (const c of concepts ?? []) {
    if (rows.length >= limit) return;
    const properties = (c.property ?? []).map((p) => `${p.code}=${p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDateTime ?? p.valueDecimal ?? p.valueCoding?.code ?? ''}`);
    rows.push([
      `<code style="padding-left:${depth * 1.5}em">${escape(c.code)}</code>`,
      escape(c.display),
      escape(c.definition),
      escape(properties.join(', ')),
      escape(provenance(c.extension)),
    ]);
    conceptRows(c.concept, depth + 1, rows, limit);
  }
}

function includeText(include: ValueSetComposeInclude): string {
  const parts = [include.system ? `${escape(include.system)}${include.version ? ` | ${escape(include.version)}` : ''}` : ''];
  if (include.concept) parts.push(`codes: ${include.concept.map((c) => `<code>${escape(c.code)}</code>`).join(', ')}`);
  if (include.filter) parts.push(`where ${include.filter.map((f) => `${escape(f.property)} ${escape(f.op)} ${escape(f.value)}`).join(' and ')}`);
  if (include.valueSet) parts.push(`from ${include.valueSet.map(escape).join(', ')}`);
  return parts.filter(Boolean).join('<br>');
}

const MAX_ROWS = 2000;

function body(resource: CodeSystem | ValueSet | ConceptMap): string {
  switch (resource.resourceType) {
    case 'CodeSystem': {
      const rows: string[][] = [];
      conceptRows(resource.concept, 0, rows, MAX_ROWS);
      const more = (resource.count ?? 0) > rows.length ? `<p>First ${rows.length} of ${resource.count} concepts.</p>` : '';
      return `<h2>Concepts (content: ${escape(resource.content)})</h2>${more}${table(['code', 'display', 'definition', 'properties', 'provenance'], rows)}`;
    }
    case 'ValueSet': {
      const includes = (resource.compose?.include ?? []).map((i) => [includeText(i), escape(provenance(i.extension))]);
      const excludes = (resource.compose?.exclude ?? []).map((i) => [includeText(i), '']);
      return `<h2>Includes</h2>${table(['definition', 'provenance'], includes)}<h2>Excludes</h2>${table(['definition', ''], excludes)}`;
    }
    case 'ConceptMap': {
      const rows = (resource.group ?? []).flatMap((g) =>
        g.element.flatMap((e) =>
          (e.target ?? []).map((t) => [
            `<code>${escape(e.code)}</code> ${escape(e.display)}`,
            escape(t.equivalence),
            `<code>${escape(t.code)}</code> ${escape(t.display)}`,
            escape(t.comment),
            escape(provenance(t.extension)),
          ]),
        ),
      );
      const systems = (resource.group ?? []).map((g) => `${escape(g.source)} → ${escape(g.target)}`).join('<br>');
      return `<h2>Mappings</h2><p>${systems}</p>${table(['source', 'equivalence', 'target', 'comment', 'provenance'], rows)}`;
    }
  }
}

export function renderHtml(resource: CodeSystem | ValueSet | ConceptMap, jsonUrl: string): string {
  const title = resource.title ?? resource.name ?? resource.id ?? resource.resourceType;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}th{background:#f3f3f3}code{font-weight:600}</style>
</head><body>
<h1>${escape(title)}</h1>
<p>${escape(resource.resourceType)} <code>${escape(resource.url)}</code>${resource.version ? ` version <code>${escape(resource.version)}</code>` : ''} — ${escape(resource.status)}</p>
<p>${escape(resource.description)}</p>
<p><a href="${escape(jsonUrl)}">FHIR JSON</a></p>
${body(resource)}
</body></html>`;
}
