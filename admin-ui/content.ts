/**
 * Languages: the program's customer-facing words per language. The program's own language (its
 * tier and reward names, edited on the Program screen) gets descriptions here; every other
 * language gets its own names and descriptions, each left empty to show the program's own. Saved
 * with the whole program through `PUT /admin/program` (its `content` section and the tiers' and
 * rewards' `description`); a 422's problems show beside their fields.
 */
import { ApiError, api, failure } from './api.ts';
import { banner, card, field, h, show } from './dom.ts';

type Json = Record<string, any>;
type Texts = { name?: string; description?: string };
type Settings = { version: number; active: boolean; currency?: string | null; program: Json };

const LOCALE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/;

/** "fr" → "French (fr)", in the store owner's own language where the browser knows it. */
function languageName(locale: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: 'language' }).of(locale);
    return name && name !== locale ? `${name} (${locale})` : locale;
  } catch {
    return locale;
  }
}

/** An entry without any text left is dropped, so the saved content holds only what was written. */
function pruned(texts: Record<string, Texts> | undefined): Record<string, Texts> | undefined {
  if (!texts) return undefined;
  const kept = Object.entries(texts).filter(([, value]) => value.name || value.description);
  return kept.length ? Object.fromEntries(kept) : undefined;
}

export async function contentScreen(root: HTMLElement) {
  show(root, h('p', { class: 'muted', role: 'status' }, 'Loading the program…'));
  let settings: Settings;
  try {
    settings = await api<Settings>('/program');
  } catch (error) {
    show(root, banner('critical', failure(error)));
    return;
  }
  let draft: Json = structuredClone(settings.program);
  draft.content ??= { defaultLocale: 'en', translations: {} };
  let selected = '';
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, 'aria-label': 'Program languages' });

  const content = () => draft.content as { defaultLocale?: string; translations: Record<string, Json> };
  const ownLanguage = () => content().defaultLocale ?? 'en';

  /** A text input bound to `get`/`set`, its problems found by `path`. */
  const textInput = (path: string, value: string | undefined, placeholder: string | undefined, set: (text: string | undefined) => void, multiline = false) => {
    const attributes = { 'data-path': path, placeholder: placeholder ?? '', oninput: (event: Event) => set((event.target as HTMLInputElement).value.trim() || undefined) };
    if (multiline) {
      const area = h('textarea', { ...attributes, rows: 2 });
      area.value = value ?? '';
      return area;
    }
    return h('input', { ...attributes, type: 'text', value: value ?? '' });
  };

  /** The program's own language: descriptions beside the names the Program screen edits. */
  const ownFields = () => [
    h('p', { class: 'muted' }, 'Names are edited on the Program screen. Descriptions tell customers what a tier or reward gives, in a sentence.'),
    ...(draft.tiers as Json[]).map((tier, i) =>
      field(`${tier.name}: description`, textInput(`tiers.${i}.description`, tier.description, undefined, (text) => (text ? (tier.description = text) : delete tier.description), true)),
    ),
    ...(draft.rewards as Json[]).map((reward, i) =>
      field(`${reward.name}: description`, textInput(`rewards.${i}.description`, reward.description, undefined, (text) => (text ? (reward.description = text) : delete reward.description), true)),
    ),
  ];

  /** Another language: its program name, and each tier's and reward's name and description. */
  const translationFields = (locale: string) => {
    const entry = content().translations[locale]!;
    const at = `content.translations.${locale}`;
    const texts = (group: 'tiers' | 'rewards', key: string): Texts => ((entry[group] ??= {})[key] ??= {});
    const pair = (group: 'tiers' | 'rewards', key: string, own: Json) => {
      const value = texts(group, key);
      return h(
        'div',
        { class: 'row', 'data-path': `${at}.${group}.${key}` },
        field(`${own.name}: name`, textInput(`${at}.${group}.${key}.name`, value.name, own.name, (text) => (text ? (value.name = text) : delete value.name))),
        field(`${own.name}: description`, textInput(`${at}.${group}.${key}.description`, value.description, own.description, (text) => (text ? (value.description = text) : delete value.description), true)),
      );
    };
    return [
      h('p', { class: 'muted' }, `Empty fields show customers the program's own words (${languageName(ownLanguage())}).`),
      field('Program name', textInput(`${at}.programName`, entry.programName, 'Rewards program', (text) => (text ? (entry.programName = text) : delete entry.programName))),
      h('h3', {}, 'Tiers'),
      ...(draft.tiers as Json[]).map((tier) => pair('tiers', tier.name, tier)),
      h('h3', {}, 'Rewards'),
      ...(draft.rewards as Json[]).map((reward) => pair('rewards', reward.id, reward)),
      h('button', { type: 'button', onclick: () => { delete content().translations[locale]; selected = ''; render(); } }, `Remove ${languageName(locale)}`),
    ];
  };

  const render = () => {
    const locales = Object.keys(content().translations);
    if (selected && !locales.includes(selected)) selected = '';
    const picker = h('select', { id: 'content-locale', onchange: (event: Event) => { selected = (event.target as HTMLSelectElement).value; render(); } },
      h('option', { value: '', selected: selected === '' }, `${languageName(ownLanguage())}: the program's own`),
      locales.map((locale) => h('option', { value: locale, selected: locale === selected }, languageName(locale))),
    );
    const adding = h('input', { type: 'text', id: 'content-new-locale', placeholder: 'fr, de, pt-BR', 'data-path': 'content.translations' });
    const addError = h('p', { class: 'error', hidden: true, role: 'alert' });
    const add = () => {
      const locale = adding.value.trim();
      if (!LOCALE.test(locale)) {
        addError.hidden = false;
        addError.textContent = 'Write a language as Shopify names it: "fr", "de", "pt-BR".';
        return;
      }
      content().translations[locale] ??= {};
      selected = locale === ownLanguage() ? '' : locale;
      render();
    };
    show(
      form,
      h('div', { class: 'row' },
        field('Language', picker),
        field('Add a language', adding, 'As your store names it in Shopify: fr, de, pt-BR'),
        h('button', { type: 'button', onclick: add }, 'Add'),
      ),
      addError,
      h('fieldset', { 'data-path': selected ? `content.translations.${selected}` : 'content' },
        h('legend', {}, selected ? languageName(selected) : languageName(ownLanguage())),
        h('p', { class: 'error', hidden: true }),
        ...(selected ? translationFields(selected) : ownFields()),
      ),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save languages'), h('span', { class: 'muted' }, `Version ${settings.version}`)),
    );
  };

  /** Each problem beside its field, else in the banner (another language's, for one). */
  const showProblems = (problems: { path: string; message: string }[]) => {
    const unplaced: string[] = [];
    for (const problem of problems) {
      const path = problem.path.replace(/^program\.?/, '');
      const target = form.querySelector(`[data-path="${CSS.escape(path)}"]`) ?? form.querySelector(`[data-path="${CSS.escape(path.split('.').slice(0, -1).join('.'))}"]`);
      const error = target && (target.tagName === 'FIELDSET' ? target.querySelector(':scope > p.error') : document.getElementById(`${target.id}-error`));
      if (!(error instanceof HTMLElement)) {
        unplaced.push(`${path}: ${problem.message}`);
        continue;
      }
      target!.setAttribute('aria-invalid', 'true');
      error.hidden = false;
      error.textContent = error.textContent ? `${error.textContent} ${problem.message}` : problem.message;
    }
    return unplaced;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    button.disabled = true;
    const translations = Object.fromEntries(
      Object.entries(content().translations).map(([locale, entry]) => {
        const tiers = pruned(entry.tiers);
        const rewards = pruned(entry.rewards);
        return [locale, { ...(entry.programName ? { programName: entry.programName } : {}), ...(tiers ? { tiers } : {}), ...(rewards ? { rewards } : {}) }];
      }),
    );
    try {
      settings = await api<Settings>('/program', { method: 'PUT', body: { program: { ...draft, content: { ...content(), translations } } } });
      draft = structuredClone(settings.program);
      draft.content ??= { defaultLocale: 'en', translations: {} };
      render();
      show(status, banner('success', `Saved: the program is at version ${settings.version}.`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.problem.problems) {
        const unplaced = showProblems(error.problem.problems);
        show(status, banner('critical', h('p', {}, `Not saved: ${error.problem.problems.length === 1 ? 'one problem' : `${error.problem.problems.length} problems`} to fix.`), unplaced.length ? h('ul', {}, unplaced.map((text) => h('li', {}, text))) : null));
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      } else show(status, banner('critical', failure(error)));
    } finally {
      form.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled = false;
    }
  });

  render();
  show(root, status, card('Languages', h('p', { class: 'muted' }, 'Your tiers and rewards in your customers’ languages: the storefront widget and the account page show them in the language the customer shops in.'), form));
}
