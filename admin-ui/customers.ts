/**
 * Customers: the lifecycle pyramid (members per stage now), how many moved between stages each
 * month, and the priority lists (highest value, and the valuable ones fading) to export as CSV or to
 * act on with a win-back reward; the thresholds that set the stages, tunable here
 * (`GET /admin/lifecycle`, `GET /admin/priority`, `POST /admin/priority/winback`, docs/lifecycle.md).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { api, apiFetch, failure } from './api.ts';
import { banner, card, date, field, h, money, number, show, table } from './dom.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type Stage = 'new' | 'regular' | 'loyal' | 'fading' | 'lost';
type Settings = { regularOrders: number; loyalOrders: number; fadingFactor: number; lostFactor: number; firstOrderFadingDays: number; lostDays: number; valuableSpend: number };
type Lifecycle = { stages: Record<Stage, number>; members: number; withoutOrder: number; months: string[]; moves: { month: string; from: Stage | 'none'; to: Stage | 'none'; count: number }[]; settings: Settings };
type PriorityCustomer = { customerId: string; value: string; stage: Stage; stageSince: string; orderCount: number; lastOrderAt: string; email: string | null; firstName: string | null; lastName: string | null; winbackRewardAt: string | null };
type Priority = { list: 'top' | 'fading'; currency: string; customers: PriorityCustomer[] };
type ProgramView = { program: { rewards: { id: string; name: string }[]; lifecycle: Settings } & Record<string, unknown> };

const STAGE_NAMES: Record<Stage | 'none', string> = { new: 'New', regular: 'Regular', loyal: 'Loyal', fading: 'Fading', lost: 'Lost', none: 'No stage' };
const STAGE_HINTS: Record<Stage, string> = {
  loyal: 'buy on their rhythm, with many orders',
  regular: 'have come back at least once',
  new: 'one order so far',
  fading: 'past their usual time between orders',
  lost: 'gone much longer: a year, or four of their intervals',
};
const COLORS = { up: '#29845a', newcomers: '#2c6ecb', back: '#7e57c2', fading: '#b98900', lost: '#c5280c' };
let chart: Chart | undefined;

/** Each move in one of five kinds a store owner reads at a glance. */
function moveKind(from: Stage | 'none', to: Stage | 'none'): keyof typeof COLORS | undefined {
  if (to === 'fading') return 'fading';
  if (to === 'lost') return 'lost';
  if (from === 'none' && to === 'new') return 'newcomers';
  if (from === 'fading' || from === 'lost') return 'back';
  if (to === 'regular' || to === 'loyal') return 'up';
  return undefined;
}

function pyramid(view: Lifecycle) {
  const largest = Math.max(1, ...Object.values(view.stages));
  const staged = Object.values(view.stages).reduce((a, b) => a + b, 0);
  const row = (stage: Stage) => {
    const bar = h('div', { class: `pyramid-bar stage-${stage}` });
    bar.style.width = view.stages[stage] ? `${Math.max(4, (view.stages[stage] / largest) * 100)}%` : '0';
    const share = staged ? ` (${Math.round((view.stages[stage] / staged) * 100)}%)` : '';
    return h('li', { class: 'pyramid-row', 'data-stage': stage }, h('span', { class: 'pyramid-label' }, h('strong', {}, STAGE_NAMES[stage]), ` ${number(view.stages[stage])}${share}`, h('span', { class: 'muted' }, ` · ${STAGE_HINTS[stage]}`)), h('div', { class: 'pyramid-track' }, bar));
  };
  return card(
    'Lifecycle pyramid',
    h('ol', { class: 'pyramid', 'aria-label': 'Members per stage now' }, (['loyal', 'regular', 'new'] as Stage[]).map(row)),
    h('ol', { class: 'pyramid at-risk', 'aria-label': 'Members at risk now' }, (['fading', 'lost'] as Stage[]).map(row)),
    h('p', { class: 'muted' }, `${number(view.withoutOrder)} members have not ordered yet and have no stage.`),
  );
}

function movesCard(view: Lifecycle) {
  const kinds = Object.keys(COLORS) as (keyof typeof COLORS)[];
  const labels = { up: 'Moved up', newcomers: 'New customers', back: 'Won back', fading: 'Became fading', lost: 'Became lost' };
  const counts = kinds.map((kind) => view.months.map((month) => view.moves.filter((m) => m.month === month && moveKind(m.from, m.to) === kind).reduce((a, m) => a + m.count, 0)));
  const canvas = h('canvas', { role: 'img', 'aria-label': `Moves between stages per month: ${kinds.map((kind, i) => `${labels[kind]} ${counts[i]!.reduce((a, b) => a + b, 0)}`).join(', ')}` });
  const rows = [...view.moves].reverse().map((m) => [m.month, STAGE_NAMES[m.from], STAGE_NAMES[m.to], number(m.count)]);
  const box = card(
    'Moves between stages',
    h('p', { class: 'muted' }, 'Members who moved from one stage to another, in the month it happened.'),
    h('div', { class: 'chart' }, canvas),
    rows.length ? table(['Month', 'From', 'To', { text: 'Members', num: true }], rows, 'Moves between stages per month') : h('p', {}, 'No moves yet.'),
  );
  const draw = () => {
    chart?.destroy();
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: view.months, datasets: kinds.map((kind, i) => ({ label: labels[kind], data: counts[i]!, backgroundColor: COLORS[kind] })) },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } }, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
  };
  return { box, draw };
}

async function priorityCard(list: Priority['list'], rewards: { id: string; name: string }[]) {
  const status = h('div', { role: 'status' });
  const body = h('div', {});
  const title = list === 'top' ? 'Top customers' : 'Valuable customers fading';
  const hint = list === 'top' ? 'Members still buying on their rhythm, by their spend in the year up to their last order.' : 'Fading members, most valuable first: the ones to win back before they are lost.';
  const exportButton = h('button', { type: 'button', onclick: () => void exportCsv() }, 'Export CSV');
  const box = card(title, h('p', { class: 'muted' }, hint), h('div', { class: 'actions' }, exportButton), status, body);
  box.dataset.list = list;

  async function exportCsv() {
    try {
      const response = await apiFetch(`/priority?list=${list}&format=csv`);
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: `priority-${list}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      show(status, banner('critical', failure(error)));
    }
  }

  async function load() {
    const data = await api<Priority>(`/priority?list=${list}&limit=50`);
    if (data.customers.length === 0) return show(body, h('p', {}, list === 'top' ? 'No customers with orders yet.' : 'No valuable customer is fading. Good news.'));
    const picks = new Map<string, HTMLInputElement>();
    const rows = data.customers.map((c) => {
      const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || `Customer ${c.customerId}`;
      const pick = h('input', { type: 'checkbox', 'aria-label': `Choose ${name}`, disabled: c.winbackRewardAt !== null });
      picks.set(c.customerId, pick);
      return [
        ...(list === 'fading' ? [pick] : []),
        h('a', { href: `#/members/${encodeURIComponent(c.customerId)}` }, name),
        STAGE_NAMES[c.stage],
        money(c.value, data.currency),
        number(c.orderCount),
        date(c.lastOrderAt),
        ...(list === 'fading' ? [c.winbackRewardAt ? `Sent ${date(c.winbackRewardAt)}` : '—'] : []),
      ];
    });
    const headers = [...(list === 'fading' ? ['Choose'] : []), 'Customer', 'Stage', { text: 'Value', num: true as const }, { text: 'Orders', num: true as const }, 'Last order', ...(list === 'fading' ? ['Win-back reward'] : [])];
    const parts = [table(headers, rows, title)];
    if (list === 'fading') {
      const reward = h('select', {}, rewards.map((r) => h('option', { value: r.id }, r.name)));
      const send = h('button', { type: 'button', class: 'primary' }, 'Send win-back reward');
      send.addEventListener('click', async () => {
        const customerIds = [...picks].filter(([, box]) => box.checked).map(([id]) => id);
        if (customerIds.length === 0) return show(status, banner('warning', 'Choose the customers to send a win-back reward to.'));
        send.disabled = true;
        try {
          const result = await api<{ granted: unknown[]; skipped: { customerId: string; reason: string }[] }>('/priority/winback', { method: 'POST', body: { customerIds, rewardId: reward.value } });
          show(status, banner('success', `Win-back reward sent to ${result.granted.length} customer${result.granted.length === 1 ? '' : 's'}${result.skipped.length ? `; ${result.skipped.length} skipped (${result.skipped.map((s) => s.reason).join(', ')})` : ''}. Shopify creates each code within a few minutes.`));
          await load();
        } catch (error) {
          show(status, banner('critical', failure(error)));
        } finally {
          send.disabled = false;
        }
      });
      parts.push(h('div', { class: 'actions' }, field('Reward', reward), send));
    }
    show(body, ...parts);
  }
  await load();
  return box;
}

function thresholdsCard(view: ProgramView) {
  const settings = view.program.lifecycle;
  const status = h('div', { role: 'status' });
  const input = (key: keyof Settings, step = '1') => h('input', { type: 'number', name: key, min: '0', step, value: String(settings[key]), required: true });
  const controls = {
    regularOrders: input('regularOrders'),
    loyalOrders: input('loyalOrders'),
    fadingFactor: input('fadingFactor', '0.1'),
    lostFactor: input('lostFactor', '0.1'),
    firstOrderFadingDays: input('firstOrderFadingDays'),
    lostDays: input('lostDays'),
    valuableSpend: input('valuableSpend', '0.01'),
  };
  const form = h(
    'form',
    {},
    h('div', { class: 'grid' },
      field('Orders to be regular', controls.regularOrders),
      field('Orders to be loyal', controls.loyalOrders),
      field('Fading after (× their usual interval)', controls.fadingFactor, 'Win-back messages use their own factor (Program screen).'),
      field('Lost after (× their usual interval)', controls.lostFactor),
      field('One-order customers fade after (days)', controls.firstOrderFadingDays),
      field('Anyone is lost after (days without an order)', controls.lostDays),
      field('Valuable from (spend in a year, shop currency)', controls.valuableSpend, 'A valuable customer who starts fading starts the Flow trigger "Priority customer fading".'),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Save thresholds'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const lifecycle = Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, Number(control.value)]));
    try {
      await api('/program', { method: 'PUT', body: { program: { ...view.program, lifecycle } } });
      show(status, banner('success', 'Saved. Members are staged again with these thresholds at the next hourly run.'));
    } catch (error) {
      show(status, banner('critical', failure(error)));
    }
  });
  return card('Stage thresholds', status, form);
}

export async function customersScreen(root: HTMLElement) {
  show(root, h('p', { class: 'muted', role: 'status' }, 'Loading customers…'));
  try {
    const [view, program] = await Promise.all([api<Lifecycle>('/lifecycle?months=12'), api<ProgramView>('/program')]);
    const moves = movesCard(view);
    const [top, fading] = await Promise.all([priorityCard('top', program.program.rewards), priorityCard('fading', program.program.rewards)]);
    show(root, h('h2', { class: 'sr-only' }, 'Customers'), h('div', { class: 'grid customers-overview' }, pyramid(view), moves.box), fading, top, thresholdsCard(program));
    moves.draw();
  } catch (error) {
    show(root, banner('critical', failure(error)));
  }
}
