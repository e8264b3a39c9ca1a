/**
 * "Does it pay?": the program's return per month from `GET /admin/roi`. Members who use the program
 * against comparable customers who do not (revenue per customer, repeat rate), the cost of the
 * rewards actually used and the points liability, a plain verdict with its caveat, the sample
 * sizes, and how it is measured.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { api, failure } from './api.ts';
import { banner, h, number, show } from './dom.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

type Group = { customers: number; orders: number; revenueMinor: number; revenuePerCustomerMinor: number | null; repeatCustomers: number; repeatRate: number | null };
type Month = {
  month: string;
  members: Group;
  nonMembers: Group;
  firstOrders: Group;
  allCustomers: Group;
  guests: { orders: number; revenueMinor: number };
  beforeProgram: (Group & { month: string }) | null;
  repeatRateFinal: boolean;
  rewardCostMinor: { discounts: number; storeCredit: number; total: number };
  rewardCostShareOfMemberRevenue: number | null;
  liabilityPoints: number | null;
  liabilityMinor: number | null;
};
type Totals = {
  members: { customerMonths: number; revenueMinor: number; revenuePerCustomerMinor: number | null; repeatRate: number | null };
  nonMembers: { customerMonths: number; revenueMinor: number; revenuePerCustomerMinor: number | null; repeatRate: number | null };
  rewardCostMinor: { discounts: number; storeCredit: number; total: number };
  spendRatio: number | null;
  rewardCostShareOfMemberRevenue: number | null;
};
type Roi = { from: string; to: string; currency: string; pointValue: { points: number; minor: number } | null; months: Month[]; totals: Totals; method: string };

const COLORS = { members: '#2c6ecb', others: '#8a8a8a', before: '#b98900', discounts: '#c5280c', credit: '#7e57c2', liability: '#29845a' };
/** Fewer customer-months than this in a group: the verdict says the sample is small. */
const SMALL_SAMPLE = 30;

const monthOf = (at: Date) => at.toISOString().slice(0, 7);
function addMonths(month: string, n: number) {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + m - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The range shown, kept while the page is open: the twelve months up to this one. */
const range = { from: addMonths(monthOf(new Date()), -11), to: monthOf(new Date()) };
let charts: Chart[] = [];

/** Money in minor units, shown in the shop's currency by the browser's locale. */
function moneyFormat(currency: string) {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
  } catch {
    format = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return {
    show: (minor: number | null) => (minor === null ? '—' : format.format(minor / 10 ** digits)),
    major: (minor: number | null) => (minor === null ? null : minor / 10 ** digits),
  };
}

const percent = (ratio: number | null, digits = 1) => (ratio === null ? '—' : `${(ratio * 100).toFixed(digits)}%`);
const label = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

function chartCard(title: string, description: string, config: ChartConfiguration) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${description}` });
  const box = h('section', { class: 'card', 'aria-label': title, 'data-chart': title }, h('h2', {}, title), h('p', { class: 'muted' }, description), h('div', { class: 'chart' }, canvas));
  return { box, draw: () => charts.push(new Chart(canvas, config)) };
}

const options = (extra: Record<string, unknown> = {}): ChartConfiguration['options'] => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  interaction: { mode: 'index', intersect: false },
  plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
  scales: { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { beginAtZero: true }, ...extra },
});

/** The verdict in one plain sentence, and what it does not say. */
export function verdict(roi: Roi, money: ReturnType<typeof moneyFormat>): { text: string; small: boolean } {
  const { members, nonMembers, spendRatio, rewardCostShareOfMemberRevenue: share, rewardCostMinor } = roi.totals;
  const small = members.customerMonths < SMALL_SAMPLE || nonMembers.customerMonths < SMALL_SAMPLE;
  if (members.customerMonths === 0 || nonMembers.customerMonths === 0) {
    return {
      text: `Not enough orders to compare yet (customers by month: ${number(members.customerMonths)} members who use the program, ${number(nonMembers.customerMonths)} comparable customers). Rewards used cost ${money.show(rewardCostMinor.total)}.`,
      small: true,
    };
  }
  const ratio = spendRatio === null ? '' : `${spendRatio.toFixed(1)}×`;
  const cost = share === null ? `rewards used cost ${money.show(rewardCostMinor.total)}` : `rewards used cost ${percent(share)} of their revenue (${money.show(rewardCostMinor.total)})`;
  return {
    text: `Members who use the program spent ${ratio} as much per customer and month as comparable customers (${money.show(members.revenuePerCustomerMinor)} against ${money.show(nonMembers.revenuePerCustomerMinor)}); ${cost}.`,
    small,
  };
}

function rangeForm(onChange: () => void) {
  const from = h('input', { type: 'month', id: 'roi-from', value: range.from, 'aria-label': 'From month' });
  const to = h('input', { type: 'month', id: 'roi-to', value: range.to, 'aria-label': 'To month' });
  return h(
    'form',
    { class: 'card row', 'aria-label': 'Months', onsubmit: (event: Event) => { event.preventDefault(); if (from.value && to.value) { Object.assign(range, { from: from.value, to: to.value }); onChange(); } } },
    h('div', { class: 'field' }, h('label', { for: from.id }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: to.id }, 'To'), to),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Show')),
  );
}

export async function roiScreen(root: HTMLElement) {
  const body = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    charts.forEach((chart) => chart.destroy());
    charts = [];
    show(body, h('p', { class: 'muted', role: 'status' }, 'Loading figures…'));
    let roi: Roi;
    try {
      roi = await api<Roi>(`/roi?from=${range.from}&to=${range.to}`);
    } catch (error) {
      show(body, banner('critical', failure(error)));
      return;
    }
    const { parts, draws } = view(roi);
    show(body, ...parts);
    draws.forEach((draw) => draw());
  };
  show(root, h('h2', { class: 'sr-only' }, 'Does it pay?'), rangeForm(() => void load()), body);
  await load();
}

function view(roi: Roi) {
  const money = moneyFormat(roi.currency);
  const months = roi.months;
  const labels = months.map((m) => label(m.month));
  const { text, small } = verdict(roi, money);
  const verdictBox = h(
    'section',
    { class: 'card', 'aria-label': 'Verdict', 'data-verdict': '' },
    h('h2', {}, 'Does it pay?'),
    h('p', { class: 'verdict' }, text),
    h('p', { class: 'muted' }, 'This shows how the two groups differ, not what the program caused: customers who would buy more anyway are the likeliest to redeem rewards.', small ? ' The groups are small, so the difference may be chance.' : ''),
  );
  const line = (name: string, data: (number | null)[], color: string, extra: object = {}) => ({ type: 'line' as const, label: name, data, borderColor: color, backgroundColor: color, pointRadius: 3, spanGaps: true, ...extra });
  const bar = (name: string, data: (number | null)[], color: string, extra: object = {}) => ({ type: 'bar' as const, label: name, data, backgroundColor: color, ...extra });
  const hasBefore = months.some((m) => m.beforeProgram);
  const cards = [
    chartCard('Revenue per customer', `per month, in ${roi.currency}: members who use the program against comparable customers${hasBefore ? ', and all customers the same month a year before the program' : ''}`, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          bar('Members who use the program', months.map((m) => money.major(m.members.revenuePerCustomerMinor)), COLORS.members),
          bar('Comparable customers', months.map((m) => money.major(m.nonMembers.revenuePerCustomerMinor)), COLORS.others),
          ...(hasBefore ? [line('A year earlier, before the program', months.map((m) => money.major(m.beforeProgram?.revenuePerCustomerMinor ?? null)), COLORS.before)] : []),
        ],
      },
      options: options(),
    }),
    chartCard('Repeat rate', 'share of the month’s customers who ordered again within 90 days (%); the last three months are not final', {
      type: 'line',
      data: {
        labels,
        datasets: [
          line('Members who use the program', months.map((m) => (m.members.repeatRate === null ? null : m.members.repeatRate * 100)), COLORS.members),
          line('Comparable customers', months.map((m) => (m.nonMembers.repeatRate === null ? null : m.nonMembers.repeatRate * 100)), COLORS.others),
        ],
      },
      options: options({ y: { beginAtZero: true, max: 100 } }),
    }),
    chartCard('Cost and liability', `rewards used each month (bars) and the points held at its end, in ${roi.currency} (line, right)`, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          bar('Discount codes used', months.map((m) => money.major(m.rewardCostMinor.discounts)), COLORS.discounts, { stack: 'cost' }),
          bar('Store credit', months.map((m) => money.major(m.rewardCostMinor.storeCredit)), COLORS.credit, { stack: 'cost' }),
          line('Liability', months.map((m) => money.major(m.liabilityMinor)), COLORS.liability, { yAxisID: 'liability' }),
        ],
      },
      options: options({ x: { stacked: true }, y: { stacked: true, beginAtZero: true }, liability: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } }),
    }),
  ];
  const cell = (value: string) => h('td', { class: 'num' }, value);
  const table = h(
    'section',
    { class: 'card', 'aria-label': 'Month by month' },
    h('h2', {}, 'Month by month'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ['Month', 'Members (customers)', 'Per customer', 'Repeat', 'Comparable (customers)', 'Per customer', 'Repeat', 'First orders', 'Guest orders', 'Rewards used', 'Liability'].map((t, i) => h('th', { class: i ? 'num' : undefined, scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          months.map((m) =>
            h(
              'tr',
              { 'data-month': m.month },
              h('th', { scope: 'row', style: 'white-space: nowrap' }, label(m.month)),
              cell(number(m.members.customers)),
              cell(money.show(m.members.revenuePerCustomerMinor)),
              cell(percent(m.members.repeatRate, 0) + (m.repeatRateFinal || m.members.repeatRate === null ? '' : '*')),
              cell(number(m.nonMembers.customers)),
              cell(money.show(m.nonMembers.revenuePerCustomerMinor)),
              cell(percent(m.nonMembers.repeatRate, 0) + (m.repeatRateFinal || m.nonMembers.repeatRate === null ? '' : '*')),
              cell(number(m.firstOrders.customers)),
              cell(number(m.guests.orders)),
              cell(money.show(m.rewardCostMinor.total)),
              cell(money.show(m.liabilityMinor)),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, '* not final: customers have 90 days to come back. Customers are counted once per month and group.'),
  );
  const method = h(
    'details',
    { class: 'card', 'data-method': '' },
    h('summary', {}, h('strong', {}, 'How this is measured')),
    ...roi.method.split(/\n\n/).map((paragraph) => h('p', {}, paragraph)),
    roi.pointValue ? h('p', { class: 'muted' }, `A point is valued at ${money.show(roi.pointValue.minor)} per ${number(roi.pointValue.points)} points.`) : h('p', { class: 'muted' }, 'No reward gives money off or store credit, so the liability has no money value.'),
  );
  return { parts: [verdictBox, h('div', { class: 'grid', style: 'margin-bottom: 16px' }, cards.map((c) => c.box)), table, method], draws: cards.map((c) => c.draw) };
}
