import type { OperationOutcome, OperationOutcomeIssue, Parameters } from 'fhir/r4';
import { choicesOf, facts, parameterNamed, provenanceNotes, provenanceTable, resourcePath, served, valueText, WebContext } from './context';
import { datalist, form } from './forms';
import { codeLink, html, Html, jsonHref, link, page, table } from './html';

/** $validate-code against a code system or a value set: the verdict first, then why. */

/** The answer in one line: valid or not, and the server's message. */
export function verdict(ok: boolean, headline: string, message?: string): Html {
  return html`<div class="verdict-box ${ok ? 'ok' : 'refused'}" role="status"><p class="headline"><span aria-hidden="true">${ok ? '✔' : '✘'}</span> ${headline}</p>${message ? html`<p class="message">${message}</p>` : ''}</div>`;
}

export function issuesTable(issues: OperationOutcomeIssue[], caption = 'Issues'): Html {
  return table(
    caption,
    ['Severity', 'Type', 'Details', 'Where'],
    issues.map((i) => [
      html`<span class="severity ${i.severity}">${i.severity}</span>`,
      html`${i.code}${i.details?.coding?.[0]?.code ? html` <small>(${i.details.coding[0].code})</small>` : ''}`,
      html`${i.details?.text ?? i.diagnostics}`,
      html`${(i.expression ?? i.location ?? []).join(', ')}`,
    ]),
  );
}

/** The issues an operation result carries (the `issues` parameter). */
export function outcomeSection(result: Parameters): Html {
  const outcome = parameterNamed(result, 'issues')?.resource as OperationOutcome | undefined;
  return outcome?.issue?.length ? issuesTable(outcome.issue) : html``;
}

type Target = 'CodeSystem' | 'ValueSet';

export function validateForm(ctx: WebContext, target: Target, values: Record<string, string>): Html {
  const systems = choicesOf(served(ctx, 'CodeSystem'));
  const id = `validate-${target === 'CodeSystem' ? 'cs' : 'vs'}`;
  const urlField =
    target === 'ValueSet'
      ? { kind: 'select' as const, name: 'url', label: 'Value set', choices: choicesOf(served(ctx, 'ValueSet')) }
      : { kind: 'select' as const, name: 'url', label: 'Code system', choices: systems };
  const fields = [
    urlField,
    ...(target === 'ValueSet' ? [{ kind: 'text' as const, name: 'system', label: 'Code system of the code', list: `${id}-systems`, size: 45, hint: 'leave empty to infer it' }] : []),
    { kind: 'text' as const, name: 'code', label: 'Code', required: true, size: 15 },
    { kind: 'text' as const, name: 'display', label: 'Display to check (optional)', size: 45 },
  ];
  const other = target === 'ValueSet' ? link(`${ctx.site.base}/CodeSystem/$validate-code`, 'against a code system instead') : link(`${ctx.site.base}/ValueSet/$validate-code`, 'against a value set instead');
  return html`${form({ id, action: `${ctx.site.base}/${target}/$validate-code`, legend: `Validate a code against a ${target === 'ValueSet' ? 'value set' : 'code system'}`, fields, submit: 'Validate', values })}${datalist(`${id}-systems`, systems)}<p class="muted">Or validate ${other}.</p>`;
}

export function validateCodePage(ctx: WebContext, target: Target, query: Record<string, string>, acceptLanguage?: string): string {
  const path = `${ctx.site.base}/${target}/$validate-code`;
  const trail: [string, string][] = [['$validate-code', path]];
  if (!query.code && !query.coding && !query.codeableConcept) {
    return page(ctx.site, { title: `Validate a code against a ${target === 'ValueSet' ? 'value set' : 'code system'}`, trail, body: validateForm(ctx, target, query) });
  }
  const result = ctx.run({ type: target, name: '$validate-code', query, acceptLanguage }) as Parameters;
  const ok = valueText(parameterNamed(result, 'result')) === 'true';
  const code = valueText(parameterNamed(result, 'code')) ?? query.code;
  const system = valueText(parameterNamed(result, 'system')) ?? query.system ?? (target === 'CodeSystem' ? query.url : undefined);
  const version = valueText(parameterNamed(result, 'version'));
  let context: Html = html``;
  if (target === 'ValueSet' && query.url) {
    // Why a code is refused is written where the value set is defined: its description, and the
    // source statements it rejected for that code.
    const valueSet = ctx.registry.resolve('ValueSet', query.url);
    const vsPage = resourcePath(ctx, 'ValueSet', query.url);
    const rejected = provenanceNotes(valueSet?.extension).filter((n) => code !== undefined && (n.original ?? '').split('|')[0].trim() === code);
    context = html`<section class="context" aria-labelledby="about-vs"><h2 id="about-vs">About ${vsPage ? link(vsPage, valueSet?.title ?? query.url) : query.url}</h2><p>${valueSet?.description}</p>${provenanceTable(rejected, `What the source documents said about ${code ?? ''}`)}</section>`;
  }
  const body = html`${verdict(ok, ok ? `${code ?? ''} is valid` : `${code ?? ''} is not valid`, valueText(parameterNamed(result, 'message')))}
${facts([
  ['Code', code ? codeLink(ctx.site, system, code, version) : undefined],
  ['System', system ? html`<code>${system}</code>` : undefined],
  ['Version', version],
  ['Display', valueText(parameterNamed(result, 'display'))],
  ['Inactive', valueText(parameterNamed(result, 'inactive'))],
])}
${outcomeSection(result)}
${context}
${validateForm(ctx, target, query)}`;
  return page(ctx.site, { title: `Validate ${code ?? ''}`, trail, jsonUrl: jsonHref(path, query), body });
}
