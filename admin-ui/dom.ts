/**
 * `h('button', { class: 'primary', onclick }, 'Save')`: the page's whole "framework". Text always
 * goes in as text nodes, never as HTML, so nothing the API returns can inject markup.
 */
import { append, h, type Child } from '../widget/dom.ts';

export { append, h, type Child };

/** Replaces what an element holds. */
export function show(parent: Element, ...children: Child[]) {
  parent.replaceChildren();
  append(parent, children);
}

let ids = 0;
/** A unique id, for labels and descriptions. */
export const uid = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled field: the label, the control, a hint and the place its problem shows. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string) {
  control.id ||= uid('f');
  const error = h('p', { class: 'error', id: `${control.id}-error`, hidden: true });
  const hintElement = hint ? h('p', { class: 'muted', id: `${control.id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement, error);
}

export const card = (title: string, ...children: Child[]) => h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...children);

export function banner(tone: 'critical' | 'success' | 'warning' | 'info', ...children: Child[]) {
  return h('div', { class: `banner ${tone}`, role: tone === 'critical' ? 'alert' : 'status' }, ...children);
}

export function table(headers: (string | { text: string; num: true })[], rows: Child[][], caption: string) {
  const cell = (tag: 'th' | 'td', content: Child, num?: boolean) => h(tag, num ? { class: 'num' } : {}, content);
  const nums = headers.map((header) => typeof header === 'object');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {}, headers.map((header, i) => cell('th', typeof header === 'object' ? header.text : header, nums[i])))),
      h('tbody', {}, rows.map((row) => h('tr', {}, row.map((content, i) => cell('td', content, nums[i]))))),
    ),
  );
}

export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
export const date = (iso: string | null | undefined) => (iso ? new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: iso.length === 10 ? 'UTC' : undefined }) : '—');
export const number = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString());

/**
 * Money as the service writes it (a decimal string in the shop's currency, "1500.00", "50000" for
 * JPY), with its currency in the store owner's locale: "$1,500.00", "¥50,000", "HUF 250,000".
 */
export function money(amount: string | number | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  if (!currency) return String(amount);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}
