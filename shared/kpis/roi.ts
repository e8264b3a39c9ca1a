/**
 * "Does it pay?": the program's return per UTC month, from the months the stream aggregator keeps
 * (`roi-figures.ts`) and the gauges of now. A few reads per request, whatever the shop's volume.
 */
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { toMinorUnits } from '../money/money.ts';
import type { Program } from '../program/program.ts';
import type { FigureStore, Shop } from '../store/ports.ts';
import { InvalidRangeError } from './kpis.ts';
import { RETURN_WINDOW_DAYS, ROI, roiBucket, type RoiGroup } from './roi-figures.ts';
import { GAUGE } from './stats-types.ts';

/** A request covers at most two years of months. */
export const MAX_ROI_MONTHS = 24;
/** Liability is worked back from today's: not past this many months after the range. */
const MAX_MONTHS_BACK = 36;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2026-11` plus `n` months. */
export function addMonths(month: string, n: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Months `from` to `to`, both included, at most MAX_ROI_MONTHS. */
export function monthsOf(from: string, to: string): string[] {
  if (!MONTH.test(from) || !MONTH.test(to)) throw new InvalidRangeError('from and to are months, YYYY-MM');
  if (from > to) throw new InvalidRangeError('from comes after to');
  const months: string[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) {
    months.push(month);
    if (months.length > MAX_ROI_MONTHS) throw new InvalidRangeError(`a range is at most ${MAX_ROI_MONTHS} months`);
  }
  return months;
}

/**
 * What a point is worth: the best money rate among the rewards with a value in money (fixed
 * amounts off, store credit), as the store owner would pay it out. None without such a reward.
 */
export function pointValue(program: Program, currency: string): { rewardId: string; points: number; minor: number } | null {
  let best: { rewardId: string; points: number; minor: number } | null = null;
  for (const reward of program.rewards) {
    if ((reward.kind !== 'fixed_amount' && reward.kind !== 'store_credit') || !reward.value || reward.cost <= 0) continue;
    const minor = toMinorUnits(reward.value, currency);
    if (!best || minor / reward.cost > best.minor / best.points) best = { rewardId: reward.id, points: reward.cost, minor };
  }
  return best;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

export interface GroupFigures {
  customers: number;
  orders: number;
  revenueMinor: number;
  revenuePerCustomerMinor: number | null;
  /** Customers who ordered again within RETURN_WINDOW_DAYS of an order in the month. */
  repeatCustomers: number;
  repeatRate: number | null;
}

function groupFigures(n: (name: string) => number, g: RoiGroup): GroupFigures {
  const customers = n(ROI.customers(g));
  const revenueMinor = n(ROI.revenue(g));
  const repeatCustomers = n(ROI.cameBack(g));
  return {
    customers,
    orders: n(ROI.orders(g)),
    revenueMinor,
    revenuePerCustomerMinor: customers > 0 ? Math.round(revenueMinor / customers) : null,
    repeatCustomers,
    repeatRate: ratio(repeatCustomers, customers),
  };
}

type Items = Awaited<ReturnType<FigureStore['readStats']>>;

/** Counters of each bucket, summed over its shards. */
function byBucket(items: Items): Map<string, Record<string, number>> {
  const sums = new Map<string, Record<string, number>>();
  for (const item of items) {
    const sum = sums.get(item.bucket) ?? sums.set(item.bucket, {}).get(item.bucket)!;
    for (const [name, value] of Object.entries(item.counters)) sum[name] = (sum[name] ?? 0) + value;
  }
  return sums;
}

/** How the view is measured, in plain words: paragraphs separated by a blank line. */
export const ROI_METHOD = [
  'Members who use the program are customers who had redeemed points for a reward before the order. They are compared with comparable customers who do not: customers who had ordered before (so both groups are returning customers) and never redeemed. First orders of customers who never redeemed are shown apart, and so are guest orders the service keeps (with an email, while guest claims are on).',
  'Each order counts in the UTC month it was paid, in the group its customer was in at that instant. Revenue is the eligible spend (subtotal after discounts, without shipping, taxes included in prices or gift cards bought), net of refunds; cancelled orders do not count. Customers are counted once per month and group, exactly.',
  `Repeat rate: the share of the month's customers in the group who ordered again within ${RETURN_WINDOW_DAYS} days of an order in that month; for the last ${RETURN_WINDOW_DAYS} days it is not final yet.`,
  "Cost of rewards actually used: what our codes took off the orders that used them (Shopify's discount amount on the order), in the month of the order, plus the value of store credit once Shopify has it, in the month it was redeemed. Whether and when the customer spends the store credit is not observable to the app, so it counts when credited.",
  'Liability: the points held and pending at the end of the month, worked back from today’s by the points earned, spent, reversed and expired since, times the money value of a point (the best rate among the rewards that give money off or store credit).',
  'Before the program: the same calendar month a year earlier, from the order history imported at installation (when it was imported), all customers together.',
  'Bias: customers choose to use the program, and customers who would buy more anyway are more likely to redeem (self-selection); the comparison shows an association, not what the program caused. Small groups (a few customers) say little.',
].join('\n\n');

/**
 * The ROI view of months `from` to `to` (`YYYY-MM`), as of `today` (`YYYY-MM-DD`).
 */
export async function programRoi(store: FigureStore, shop: Shop, query: { from: string; to: string; today: string }) {
  const months = monthsOf(query.from, query.to);
  const currency = shop.currency ?? FALLBACK_CURRENCY;
  const thisMonth = query.today.slice(0, 7);
  // The months after the range up to now (liability is worked back from today's), when not too many.
  const later: string[] = [];
  if (query.to < thisMonth) {
    for (let month = addMonths(query.to, 1); month <= thisMonth && later.length <= MAX_MONTHS_BACK; month = addMonths(month, 1)) later.push(month);
  }
  const laterKnown = later.length <= MAX_MONTHS_BACK;
  const yearBefore = months.map((month) => addMonths(month, -12));
  const buckets = [...new Set([...months, ...yearBefore, ...(laterKnown ? later : [])])].map(roiBucket);
  const [items, gaugeItems] = await Promise.all([store.readStats(shop.shop, buckets), store.readStats(shop.shop, [GAUGE])]);
  const sums = byBucket(items);
  const gauge = byBucket(gaugeItems).get(GAUGE) ?? {};
  const counter = (month: string) => (name: string) => sums.get(roiBucket(month))?.[name] ?? 0;
  const value = pointValue(shop.program, currency);

  // Points held and pending now, less what each later month added: the points at each month's end.
  let pointsAtEnd = (gauge.liabilityPoints ?? 0) + (gauge.pendingPoints ?? 0);
  for (const month of later) pointsAtEnd -= counter(month)(ROI.points);
  const liabilityByMonth = new Map<string, number>();
  for (const month of [...months].reverse()) {
    liabilityByMonth.set(month, Math.max(0, pointsAtEnd));
    pointsAtEnd -= counter(month)(ROI.points);
  }

  const rows = months.map((month) => {
    const n = counter(month);
    const before = counter(addMonths(month, -12));
    const members = groupFigures(n, 'e');
    const discounts = n(ROI.discounts);
    const storeCredit = n(ROI.storeCredit);
    const liabilityPoints = month > thisMonth || !laterKnown ? null : liabilityByMonth.get(month)!;
    const baseline = groupFigures(before, 'b');
    // The month's last day plus the window: past today, some customers may still come back.
    const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
    const windowEnds = new Date(monthEnd.getTime() + RETURN_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
    return {
      month,
      members,
      nonMembers: groupFigures(n, 'c'),
      firstOrders: groupFigures(n, 'f'),
      allCustomers: groupFigures(n, 'a'),
      guests: { orders: n(ROI.orders('g')), revenueMinor: n(ROI.revenue('g')) },
      beforeProgram: baseline.orders > 0 ? { month: addMonths(month, -12), ...baseline } : null,
      repeatRateFinal: windowEnds < query.today,
      rewardCostMinor: { discounts, storeCredit, total: discounts + storeCredit },
      rewardCostShareOfMemberRevenue: ratio(discounts + storeCredit, members.revenueMinor),
      liabilityPoints,
      liabilityMinor: liabilityPoints === null || !value ? null : Math.floor((liabilityPoints * value.minor) / value.points),
    };
  });

  return { from: query.from, to: query.to, currency, pointValue: value, months: rows, totals: totalsOf(rows), method: ROI_METHOD };
}

type Row = { members: GroupFigures; nonMembers: GroupFigures; rewardCostMinor: { discounts: number; storeCredit: number; total: number } };

/**
 * The range as a whole: customers summed over months (a customer who buys in three months counts
 * three times, as "customer-months"), so per-customer revenue is per customer and month.
 */
export function totalsOf(rows: Row[]) {
  const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const group = (g: 'members' | 'nonMembers') => {
    const customers = sum((row) => row[g].customers);
    const revenueMinor = sum((row) => row[g].revenueMinor);
    const repeatCustomers = sum((row) => row[g].repeatCustomers);
    return { customerMonths: customers, orders: sum((row) => row[g].orders), revenueMinor, revenuePerCustomerMinor: customers > 0 ? Math.round(revenueMinor / customers) : null, repeatRate: ratio(repeatCustomers, customers) };
  };
  const members = group('members');
  const nonMembers = group('nonMembers');
  const cost = sum((row) => row.rewardCostMinor.total);
  return {
    members,
    nonMembers,
    rewardCostMinor: { discounts: sum((row) => row.rewardCostMinor.discounts), storeCredit: sum((row) => row.rewardCostMinor.storeCredit), total: cost },
    /** Members' revenue per customer over comparable customers': 2.1 means members spent 2.1 times as much. */
    spendRatio: members.revenuePerCustomerMinor !== null && nonMembers.revenuePerCustomerMinor ? Math.round((members.revenuePerCustomerMinor / nonMembers.revenuePerCustomerMinor) * 100) / 100 : null,
    rewardCostShareOfMemberRevenue: ratio(cost, members.revenueMinor),
  };
}
