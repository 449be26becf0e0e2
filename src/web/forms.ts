import { html, Html } from './html';

/**
 * Operation forms: plain GET forms whose fields are the operation's own parameters, so a result
 * page has an address worth sharing and the FHIR JSON of it is the same address with _format=json.
 */

export interface Choice {
  value: string;
  label: string;
}

export type Field =
  | { kind: 'text'; name: string; label: string; hint?: string; required?: boolean; list?: string; size?: number }
  | { kind: 'number'; name: string; label: string; min?: number; max?: number }
  | { kind: 'select'; name: string; label: string; choices: Choice[]; optional?: string }
  | { kind: 'checkbox'; name: string; label: string };

function fieldHtml(field: Field, values: Record<string, string>, formId: string): Html {
  const id = `${formId}-${field.name}`;
  const value = values[field.name] ?? '';
  switch (field.kind) {
    case 'text':
      return html`<div class="field"><label for="${id}">${field.label}</label><input id="${id}" name="${field.name}" type="text" value="${value}"${field.required ? html` required` : ''}${field.list ? html` list="${field.list}"` : ''}${field.hint ? html` aria-describedby="${id}-hint"` : ''} size="${field.size ?? 30}" autocomplete="off" spellcheck="false">${field.hint ? html`<small id="${id}-hint">${field.hint}</small>` : ''}</div>`;
    case 'number':
      return html`<div class="field"><label for="${id}">${field.label}</label><input id="${id}" name="${field.name}" type="number" value="${value}"${field.min !== undefined ? html` min="${field.min}"` : ''}${field.max !== undefined ? html` max="${field.max}"` : ''} size="6"></div>`;
    case 'select':
      return html`<div class="field"><label for="${id}">${field.label}</label><select id="${id}" name="${field.name}">${field.optional !== undefined ? html`<option value="">${field.optional}</option>` : ''}${field.choices.map(
        (c) => html`<option value="${c.value}"${c.value === value ? html` selected` : ''}>${c.label}</option>`,
      )}</select></div>`;
    case 'checkbox':
      return html`<div class="field check"><input id="${id}" name="${field.name}" type="checkbox" value="true"${value === 'true' ? html` checked` : ''}><label for="${id}">${field.label}</label></div>`;
  }
}

export interface FormOptions {
  id: string;
  action: string;
  legend: string;
  fields: Field[];
  submit: string;
  values: Record<string, string>;
  /** Hidden fields kept as they are (e.g. the page a search runs on). */
  hidden?: Record<string, string>;
}

export function form(options: FormOptions): Html {
  const hidden = Object.entries(options.hidden ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
  return html`<form id="${options.id}" class="op" method="get" action="${options.action}"><fieldset><legend>${options.legend}</legend>${hidden}${options.fields.map((f) =>
    fieldHtml(f, options.values, options.id),
  )}<div class="actions"><button type="submit">${options.submit}</button></div></fieldset></form>`;
}

/** A datalist of values a text field suggests (the systems served, for instance). */
export function datalist(id: string, choices: Choice[]): Html {
  return html`<datalist id="${id}">${choices.map((c) => html`<option value="${c.value}">${c.label}</option>`)}</datalist>`;
}
