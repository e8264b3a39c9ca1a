/**
 * Dashboard: the program's health over a date range, as charts (Chart.js, only the parts used)
 * and a few headline figures. Each chart's canvas has a text alternative that says what it shows.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { api, failure } from './api.ts';
import { banner, card, date, h, money, number, show } from './dom.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

type Kpis = {
  from: string;
  to: string;
  members: number;
  membersAtEnd?: number | null;
  newMembers: number;
  repeatPurchaseRate: number | null;
  averageDaysBetweenOrders: number | null;
  orders: number;
  memberRevenue: string;
  points: { earned: number; bonus: number; redeemed: number; expired: number };
  redemptionRate: number | null;
  pointsLiability: { points: number; pending: number; value: string };
  nps: { score: number | null; responses: number };
  complaints: number;
  fadingMembers: number;
};
type Series = { currency: string; interval: 'day' | 'week' | 'month'; points: Kpis[]; tiers: Record<string, number> };

const COLORS = { blue: '#2c6ecb', green: '#29845a', orange: '#b98900', red: '#c5280c', purple: '#7e57c2', grey: '#8a8a8a' };
const DAY_MS = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

/** The range the dashboard shows, kept while the page is open. */
const range = { from: isoDay(new Date(Date.now() - 29 * DAY_MS)), to: isoDay(new Date()), interval: 'auto' as 'auto' | Series['interval'] };
let charts: Chart[] = [];

function intervalFor(from: string, to: string): Series['interval'] {
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  return days <= 45 ? 'day' : days <= 180 ? 'week' : 'month';
}

const percent = (ratio: number | null) => (ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`);

function chartCard(title: string, description: string, config: ChartConfiguration) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${description}` });
  const box = h('section', { class: 'card', 'aria-label': title, 'data-chart': title }, h('h2', {}, title), h('p', { class: 'muted' }, description), h('div', { class: 'chart' }, canvas));
  return { box, draw: () => charts.push(new Chart(canvas, config)) };
}

function baseOptions(stacked = false): ChartConfiguration['options'] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    // Drawn at once: a store owner reads it at a glance, and a test reads its pixels.
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    scales: { x: { stacked, ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 5 } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
  };
}

function rangeForm(onChange: () => void) {
  const from = h('input', { type: 'date', id: 'range-from', value: range.from, max: range.to });
  const to = h('input', { type: 'date', id: 'range-to', value: range.to });
  const interval = h(
    'select',
    { id: 'range-interval' },
    (['auto', 'day', 'week', 'month'] as const).map((value) => h('option', { value, selected: range.interval === value }, value === 'auto' ? 'Automatic' : `By ${value}`)),
  );
  const apply = () => {
    if (!from.value || !to.value) return;
    Object.assign(range, { from: from.value, to: to.value, interval: interval.value });
    onChange();
  };
  const preset = (days: number) =>
    h('button', { type: 'button', onclick: () => { from.value = isoDay(new Date(Date.now() - (days - 1) * DAY_MS)); to.value = isoDay(new Date()); apply(); } }, `Last ${days} days`);
  return h(
    'form',
    { class: 'card row', 'aria-label': 'Date range', onsubmit: (event: Event) => { event.preventDefault(); apply(); } },
    h('div', { class: 'field' }, h('label', { for: from.id }, 'From'), from),
    h('div', { class: 'field' }, h('label', { for: to.id }, 'To'), to),
    h('div', { class: 'field' }, h('label', { for: interval.id }, 'Group'), interval),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'primary' }, 'Show')),
    h('div', { class: 'row presets', role: 'group', 'aria-label': 'Presets' }, preset(30), preset(90), preset(365)),
  );
}

export async function dashboardScreen(root: HTMLElement) {
  const body = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    charts.forEach((chart) => chart.destroy());
    charts = [];
    show(body, h('p', { class: 'muted', role: 'status' }, 'Loading figures…'));
    const interval = range.interval === 'auto' ? intervalFor(range.from, range.to) : range.interval;
    const q = `from=${range.from}&to=${range.to}`;
    let series: Series, total: Kpis & { currency: string };
    try {
      [series, total] = await Promise.all([api<Series>(`/kpis/series?${q}&interval=${interval}`), api<Kpis & { currency: string }>(`/kpis?${q}`)]);
    } catch (error) {
      show(body, banner('critical', failure(error)));
      return;
    }
    show(body, ...figures(series, total));
    drawQueue.splice(0).forEach((draw) => draw());
  };
  show(root, h('h2', { class: 'sr-only' }, 'Dashboard'), rangeForm(() => void load()), body);
  await load();
}

const drawQueue: (() => void)[] = [];

function figures(series: Series, total: Kpis & { currency: string }) {
  const { currency } = series;
  const labels = series.points.map((p) => (series.interval === 'day' ? date(p.from) : series.interval === 'week' ? `${date(p.from)}` : p.from.slice(0, 7)));
  const line = (label: string, data: (number | null)[], color: string, extra: object = {}) => ({ type: 'line' as const, label, data, borderColor: color, backgroundColor: color, pointRadius: data.length > 60 ? 0 : 2, tension: 0.25, spanGaps: true, ...extra });
  const bar = (label: string, data: number[], color: string, extra: object = {}) => ({ type: 'bar' as const, label, data, backgroundColor: color, ...extra });
  const pts = series.points;

  const tile = (label: string, value: string, note?: string) => h('div', { class: 'tile' }, h('div', { class: 'muted' }, label), h('div', { class: 'value' }, value), note ? h('div', { class: 'muted' }, note) : null);
  const tiles = h(
    'div',
    { class: 'tiles', role: 'list', 'aria-label': `Figures from ${date(total.from)} to ${date(total.to)}` },
    [
      tile('Members', number(total.members), `${number(total.newMembers)} new in the range`),
      tile('Repeat purchase rate', percent(total.repeatPurchaseRate), `avg ${total.averageDaysBetweenOrders ?? '—'} days between orders`),
      tile('Revenue from members', money(total.memberRevenue, currency), `${number(total.orders)} orders`),
      tile('Points liability', money(total.pointsLiability.value, currency), `${number(total.pointsLiability.points)} points held`),
      tile('NPS', total.nps.score === null ? '—' : String(total.nps.score), `${number(total.nps.responses)} answers, ${number(total.complaints)} complaints`),
      tile('Fading members', number(total.fadingMembers)),
    ].map((t) => (t.setAttribute('role', 'listitem'), t)),
  );

  const cards = [
    chartCard('Members', 'members at the end of each period (line) and new members (bars)', {
      type: 'bar',
      data: { labels, datasets: [line('Members', pts.map((p) => p.membersAtEnd ?? null), COLORS.blue, { yAxisID: 'y' }), bar('New members', pts.map((p) => p.newMembers), COLORS.green)] },
      options: baseOptions(),
    }),
    chartCard('Repeat purchases', 'share of buying members with two or more orders (%, left) and average days between orders (right)', {
      type: 'line',
      data: { labels, datasets: [line('Repeat purchase rate %', pts.map((p) => (p.repeatPurchaseRate === null ? null : Math.round(p.repeatPurchaseRate * 1000) / 10)), COLORS.purple), line('Days between orders', pts.map((p) => p.averageDaysBetweenOrders), COLORS.orange, { yAxisID: 'days' })] },
      options: { ...baseOptions(), scales: { ...baseOptions()!.scales, days: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } },
    }),
    chartCard('Revenue from members', `eligible spend in ${currency}, net of refunds`, {
      type: 'bar',
      data: { labels, datasets: [bar(`Revenue (${currency})`, pts.map((p) => Number(p.memberRevenue)), COLORS.blue)] },
      options: baseOptions(),
    }),
    chartCard('Points', `earned (with bonuses), redeemed and expired; ${number(total.pointsLiability.points)} points held now`, {
      type: 'bar',
      data: { labels, datasets: [bar('Earned', pts.map((p) => p.points.earned + p.points.bonus), COLORS.green), bar('Redeemed', pts.map((p) => p.points.redeemed), COLORS.blue), bar('Expired', pts.map((p) => p.points.expired), COLORS.grey)] },
      options: baseOptions(),
    }),
    chartCard('NPS and complaints', 'net promoter score of the survey answers (line) and complaints (bars)', {
      type: 'bar',
      data: { labels, datasets: [line('NPS', pts.map((p) => p.nps.score), COLORS.purple, { yAxisID: 'nps' }), bar('Complaints', pts.map((p) => p.complaints), COLORS.red)] },
      options: { ...baseOptions(), scales: { ...baseOptions()!.scales, nps: { position: 'right', min: -100, max: 100, grid: { drawOnChartArea: false } } } },
    }),
    chartCard('Tiers', `members per tier now: ${Object.entries(series.tiers).map(([name, count]) => `${name} ${count}`).join(', ')}`, {
      type: 'bar',
      data: { labels: Object.keys(series.tiers), datasets: [bar('Members', Object.values(series.tiers), COLORS.blue)] },
      options: { ...baseOptions(), indexAxis: 'y', plugins: { legend: { display: false } } },
    }),
  ];
  drawQueue.push(...cards.map((c) => c.draw));
  const empty = pts.every((p) => p.orders === 0 && p.newMembers === 0 && p.points.earned === 0);
  return [
    tiles,
    empty ? banner('info', 'Nothing happened in this range yet: no orders, no new members, no points earned. Try a longer range.') : null,
    h('div', { class: 'grid' }, cards.map((c) => c.box)),
  ];
}
