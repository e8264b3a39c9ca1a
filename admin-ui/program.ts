/**
 * Program: the store owner edits the program as `GET /admin/program` answers it and saves it whole
 * with `PUT /admin/program`. The service is the judge: each problem of a 422 shows beside its field
 * (by its path, `tiers.1.minSpend`), or, for a path with no field of its own, at the nearest section.
 * Keys this page has no field for are sent back as they came.
 */
import { ApiError, api, failure } from './api.ts';
import { banner, card, date, dateTime, field, h, show, table, uid } from './dom.ts';

type Json = Record<string, any>;
type Settings = { version: number; active: boolean; currency?: string | null; program: Json };
type Change = { version: number; changedAt: string; changedBy: string; program: Json; previous: Json };

const REWARD_KINDS: Record<string, string> = { fixed_amount: 'Amount off', percentage: 'Percentage off', free_shipping: 'Free shipping', store_credit: 'Store credit' };
const CODE_KINDS = ['fixed_amount', 'percentage', 'free_shipping'];
const COMBINES = [['order', 'Order discounts'], ['product', 'Product discounts'], ['shipping', 'Shipping discounts']] as const;

function getAt(object: Json, path: string): any {
  return path.split('.').reduce<any>((value, key) => (value === undefined || value === null ? undefined : value[key]), object);
}

function setAt(object: Json, path: string, value: unknown) {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<any>((value, key) => (value[key] ??= {}), object);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** A number as typed; text that is no number goes as text, so the service names the problem. */
function parsed(text: string, optional: boolean): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? undefined : '';
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export async function programScreen(root: HTMLElement) {
  show(root, h('p', { class: 'muted', role: 'status' }, 'Loading the program…'));
  let settings: Settings;
  let history: Change[] = [];
  try {
    [settings, { changes: history }] = await Promise.all([api<Settings>('/program'), api<{ changes: Change[] }>('/program/history')]);
  } catch (error) {
    show(root, banner('critical', failure(error)));
    return;
  }
  let draft: Json = structuredClone(settings.program);
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true, 'aria-label': 'Program settings' });
  const historyBox = h('div', {});

  const numberInput = (path: string, options: { optional?: boolean; step?: string; min?: string } = {}) =>
    h('input', {
      type: 'text',
      inputmode: options.step === '1' ? 'numeric' : 'decimal',
      'data-path': path,
      value: getAt(draft, path) ?? '',
      oninput: (event: Event) => setAt(draft, path, parsed((event.target as HTMLInputElement).value, options.optional ?? false)),
    });
  const textInput = (path: string, optional = false) =>
    h('input', { type: 'text', 'data-path': path, value: getAt(draft, path) ?? '', oninput: (event: Event) => setAt(draft, path, (event.target as HTMLInputElement).value || (optional ? undefined : '')) });
  const section = (title: string, path: string, ...children: (HTMLElement | null)[]) =>
    h('fieldset', { 'data-path': path }, h('legend', {}, title), h('p', { class: 'error', hidden: true, id: uid('section-error') }), ...children);

  /** The money fields' currency, once the shop's first order has told it: " (JPY)". */
  const inCurrency = () => (settings.currency ? ` (${settings.currency})` : '');
  const render = () => {
    const tiers: Json[] = draft.tiers ?? [];
    const rewards: Json[] = draft.rewards ?? [];
    const tierRows = tiers.map((tier, i) =>
      h(
        'fieldset',
        { 'data-path': `tiers.${i}` },
        h('legend', {}, tier.name || `Tier ${i + 1}`),
        h('p', { class: 'error', hidden: true }),
        h(
          'div',
          { class: 'row' },
          field('Name', textInput(`tiers.${i}.name`)),
          field(`Minimum spend in the last 365 days${inCurrency()}`, numberInput(`tiers.${i}.minSpend`)),
          field('Points multiplier', numberInput(`tiers.${i}.multiplier`)),
          field(
            'Reward on reaching it',
            h(
              'select',
              { 'data-path': `tiers.${i}.rewardId`, onchange: (event: Event) => setAt(draft, `tiers.${i}.rewardId`, (event.target as HTMLSelectElement).value || undefined) },
              h('option', { value: '' }, 'None'),
              rewards.map((reward) => h('option', { value: reward.id, selected: reward.id === tier.rewardId }, reward.name || reward.id)),
            ),
          ),
          h('button', { type: 'button', onclick: () => { tiers.splice(i, 1); render(); } }, `Remove ${tier.name || 'tier'}`),
        ),
      ),
    );
    const rewardRows = rewards.map((reward, i) => {
      const isCode = CODE_KINDS.includes(reward.kind);
      return h(
        'fieldset',
        { 'data-path': `rewards.${i}` },
        h('legend', {}, reward.name || `Reward ${i + 1}`),
        h('p', { class: 'error', hidden: true }),
        h(
          'div',
          { class: 'row' },
          field('Id', textInput(`rewards.${i}.id`)),
          field('Name', textInput(`rewards.${i}.name`)),
          field(
            'Kind',
            h(
              'select',
              { 'data-path': `rewards.${i}.kind`, onchange: (event: Event) => { reward.kind = (event.target as HTMLSelectElement).value; if (reward.kind === 'store_credit') delete reward.combinesWith; render(); } },
              Object.entries(REWARD_KINDS).map(([value, label]) => h('option', { value, selected: reward.kind === value }, label)),
            ),
          ),
          field('Cost in points', numberInput(`rewards.${i}.cost`, { step: '1' })),
          reward.kind === 'free_shipping' ? null : field(reward.kind === 'percentage' ? 'Percent off' : `Value${inCurrency()}`, numberInput(`rewards.${i}.value`, { optional: true })),
          isCode ? field('Minimum order', numberInput(`rewards.${i}.minimumOrder`, { optional: true })) : null,
          field(reward.kind === 'store_credit' ? 'Credit valid for (days)' : 'Code valid for (days)', numberInput(`rewards.${i}.validityDays`, { optional: true, step: '1' }), 'Empty: the program’s default'),
        ),
        isCode
          ? h(
              'fieldset',
              { 'data-path': `rewards.${i}.combinesWith` },
              h('legend', {}, 'The code combines with'),
              h('p', { class: 'error', hidden: true }),
              COMBINES.map(([key, label]) => {
                const id = uid('combines');
                return h(
                  'span',
                  { class: 'check' },
                  h('input', {
                    type: 'checkbox',
                    id,
                    'data-path': `rewards.${i}.combinesWith.${key}`,
                    checked: Boolean(reward.combinesWith?.[key]),
                    onchange: (event: Event) => {
                      reward.combinesWith = { order: false, product: false, shipping: false, ...reward.combinesWith, [key]: (event.target as HTMLInputElement).checked };
                    },
                  }),
                  h('label', { for: id }, label),
                );
              }),
            )
          : null,
        h('button', { type: 'button', onclick: () => { rewards.splice(i, 1); render(); } }, `Remove ${reward.name || 'reward'}`),
      );
    });

    show(
      form,
      section(
        'Earning',
        'earning',
        h(
          'div',
          { class: 'row' },
          field(`Points per 1 unit of currency${inCurrency()}`, numberInput('earning.pointsPerUnit'), 'Below 1 for a currency of small units: 0.01 is 1 point per 100'),
          field('Signup bonus (points)', numberInput('signupBonus', { step: '1' })),
          field('Days points stay pending', numberInput('pendingDays', { step: '1' }), 'The return window before earned points can be spent'),
        ),
      ),
      section('Tiers', 'tiers', ...tierRows, h('button', { type: 'button', onclick: () => { tiers.push({ name: '', minSpend: '', multiplier: 1 }); draft.tiers = tiers; render(); } }, 'Add a tier')),
      section(
        'Rewards',
        'rewards',
        ...rewardRows,
        h('button', { type: 'button', onclick: () => { rewards.push({ id: '', name: '', kind: 'fixed_amount', cost: '' }); draft.rewards = rewards; render(); } }, 'Add a reward'),
      ),
      section(
        'Expiry and reminders',
        'expiry',
        h(
          'div',
          { class: 'row' },
          field('Points expire after (days)', numberInput('expiry.days', { step: '1' })),
          field(
            'Remind members (days before expiry)',
            h('input', {
              type: 'text',
              'data-path': 'reminders.daysBefore',
              value: (draft.reminders?.daysBefore ?? []).join(', '),
              oninput: (event: Event) => setAt(draft, 'reminders.daysBefore', (event.target as HTMLInputElement).value.split(',').map((part) => part.trim()).filter(Boolean).map((part) => parsed(part, false))),
            }),
            'Comma-separated, for example 30, 7',
          ),
        ),
      ),
      section(
        'Coupons',
        'coupons',
        h('div', { class: 'row' }, field('Codes valid for (days)', numberInput('coupons.validityDays', { step: '1' })), field('Code prefix', textInput('coupons.prefix', true), 'Up to 8 of A–Z and 2–9')),
      ),
      section('Win-back', 'winback', h('div', { class: 'row' }, field('Fading after (times the usual interval)', numberInput('winback.factor')), field('From this many orders', numberInput('winback.minOrders', { step: '1' })))),
      section('Birthdays', 'birthday', h('p', { class: 'muted' }, 'Once a year on the birthday the member gives (0: off). A birthday given 30 days or less before it waits a year; it can change once a year.'), h('div', { class: 'row' }, field('Birthday points', numberInput('birthday.points', { step: '1' })))),
      section('Guest orders', 'guests', h('p', { class: 'muted' }, 'A guest order\u2019s points wait for an account opened with the same verified email (0: off).'), h('div', { class: 'row' }, field('Claimable for (days)', numberInput('guests.claimDays', { step: '1' })))),
      section(
        'Order history',
        'history',
        h('p', { class: 'muted' }, 'At installation the orders of the year before are imported: they always count toward tiers and the figures.'),
        (() => {
          const id = uid('history-earn');
          return h(
            'div',
            { class: 'row' },
            h('input', {
              type: 'checkbox',
              id,
              'data-path': 'history.importedOrdersEarnPoints',
              checked: Boolean(draft.history?.importedOrdersEarnPoints),
              onchange: (event: Event) => setAt(draft, 'history.importedOrdersEarnPoints', (event.target as HTMLInputElement).checked),
            }),
            h('label', { for: id }, 'Imported orders also earn points'),
          );
        })(),
      ),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save program'), h('span', { class: 'muted' }, `Version ${settings.version}${settings.active ? '' : ' · not active'}`)),
    );
  };

  /** Each problem beside its field; a path without a field goes to its nearest enclosing section. */
  const showProblems = (problems: { path: string; message: string }[]) => {
    const unplaced: string[] = [];
    for (const problem of problems) {
      const path = problem.path.replace(/^program\.?/, '');
      let target: Element | null = null;
      for (let parts = path.split('.'); parts.length && !target; parts.pop()) target = form.querySelector(`[data-path="${CSS.escape(parts.join('.'))}"]`);
      if (!target) {
        unplaced.push(path ? `${path}: ${problem.message}` : problem.message);
        continue;
      }
      const error = target.tagName === 'FIELDSET' ? target.querySelector(':scope > p.error') : (document.getElementById(`${target.id}-error`) ?? target.closest('fieldset')?.querySelector(':scope > p.error'));
      if (target.tagName !== 'FIELDSET') target.setAttribute('aria-invalid', 'true');
      if (error instanceof HTMLElement) {
        error.hidden = false;
        error.textContent = error.textContent ? `${error.textContent} ${problem.message}` : problem.message;
      }
    }
    return unplaced;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.querySelectorAll('[aria-invalid]').forEach((element) => element.removeAttribute('aria-invalid'));
    form.querySelectorAll<HTMLElement>('p.error').forEach((element) => ((element.hidden = true), (element.textContent = '')));
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    button.disabled = true;
    try {
      // Translations are edited on the Languages screen; left out here, they are kept (less those of removed tiers and rewards).
      const { content: _content, ...program } = draft;
      settings = await api<Settings>('/program', { method: 'PUT', body: { program } });
      draft = structuredClone(settings.program);
      history = (await api<{ changes: Change[] }>('/program/history')).changes;
      render();
      renderHistory();
      show(status, banner('success', `Saved: the program is at version ${settings.version}.`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.problem.problems) {
        const unplaced = showProblems(error.problem.problems);
        show(status, banner('critical', h('p', {}, `Not saved: ${error.problem.problems.length === 1 ? 'one problem' : `${error.problem.problems.length} problems`} to fix, each shown beside its field.`), unplaced.length ? h('ul', {}, unplaced.map((text) => h('li', {}, text))) : null));
        form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      } else show(status, banner('critical', failure(error)));
    } finally {
      form.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled = false;
    }
  });

  const renderHistory = () => {
    const changed = (change: Change) => Object.keys({ ...change.program, ...change.previous }).filter((key) => JSON.stringify(change.program[key]) !== JSON.stringify(change.previous?.[key]));
    show(
      historyBox,
      card(
        'History',
        history.length
          ? table(['Version', 'Saved', 'By', 'What changed'], history.map((change) => [String(change.version), dateTime(change.changedAt), change.changedBy, changed(change).join(', ') || 'activated']), 'Program versions, newest first')
          : h('p', { class: 'muted' }, 'No saved versions yet: the shop runs the default program.'),
      ),
    );
  };

  render();
  renderHistory();
  show(root, status, card('Program', h('p', { class: 'muted' }, `What members earn and get. Changes apply from now on; points already earned keep their terms. Last saved ${history[0] ? date(history[0].changedAt) : 'never'}.`), currencyNote(settings, history.length), form), historyBox);
}

/** Before the shop's first order, its currency is unknown: an unsaved default still adapts to it then. */
function currencyNote(settings: Settings, savedVersions: number) {
  if (settings.currency || savedVersions > 0) return null;
  return banner('info', 'Your shop’s currency is not known yet: amounts here are in whole units of it. When the first order arrives, this default program switches to defaults made for your currency (¥50,000 for Silver in a yen shop), unless you save your own program before.');
}
