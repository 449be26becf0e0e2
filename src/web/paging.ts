import { html, Html, link } from './html';

/** One page of a list: where it starts, how many it shows, how many there are. */
export interface PageWindow {
  offset: number;
  count: number;
  total: number;
}

/** The page an `offset` from the query string asks for (a bad or negative offset is the first page). */
export function pageWindow(offsetText: string | undefined, count: number, total: number): PageWindow {
  const asked = Number(offsetText ?? 0);
  const offset = Number.isInteger(asked) && asked > 0 && asked < total ? asked : 0;
  return { offset, count, total };
}

/** Previous / next links for a list shown a page at a time. */
export function pager(window: PageWindow, hrefAt: (offset: number) => string): Html {
  if (window.total <= window.count) return html``;
  const previous = window.offset > 0 ? link(hrefAt(Math.max(0, window.offset - window.count)), '‹ Previous') : html`<span class="muted">‹ Previous</span>`;
  const nextOffset = window.offset + window.count;
  const next = nextOffset < window.total ? link(hrefAt(nextOffset), 'Next ›') : html`<span class="muted">Next ›</span>`;
  const pageNumber = Math.floor(window.offset / window.count) + 1;
  const pages = Math.ceil(window.total / window.count);
  return html`<nav class="pager" aria-label="Pages">${previous} <span>Page ${pageNumber} of ${pages}</span> ${next}</nav>`;
}
