/**
 * The program's health for a date range, from the figures the stream aggregator keeps: a sum of
 * the range's per-day items and the gauges of now. Nothing here scans the table.
 */
import { addDays, utcDay } from '../clock.ts';
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';
import type { FigureStore, Shop } from '../store/ports.ts';
import { historySums } from './histories.ts';

export const MAX_KPI_DAYS = 366;

export class InvalidRangeError extends Error {
  readonly type = 'invalid-range';
}

/** Days `from` to `to`, both included (UTC), at most a year. */
export function daysOf(from: string, to: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
    throw new InvalidRangeError('from and to are days, YYYY-MM-DD');
  }
  if (from > to) throw new InvalidRangeError('from comes after to');
  const days: string[] = [];
  for (let day = from; day <= to; day = utcDay(addDays(`${day}T00:00:00Z`, 1))) {
    days.push(day);
    if (days.length > MAX_KPI_DAYS) throw new InvalidRangeError(`a range is at most ${MAX_KPI_DAYS} days`);
  }
  return days;
}

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

/** The figures' stored items, as `FigureStore.readStats` answers them. */
export type StatsItems = Awaited<ReturnType<FigureStore['readStats']>>;

export async function programKpis(store: FigureStore, shop: Shop, range: { from: string; to: string }) {
  const days = daysOf(range.from, range.to);
  const [dayItems, gaugeItems] = await Promise.all([store.readStats(shop.shop, days), store.readStats(shop.shop, ['gauge'])]);
  return kpisOf(shop, range, dayItems, gaugeItems);
}

/** The program's health from items already read: the range's day items and the gauge's. */
export function kpisOf(shop: Shop, range: { from: string; to: string }, dayItems: StatsItems, gaugeItems: StatsItems) {
  const sum = (items: StatsItems) => {
    const counters: Record<string, number> = {};
    for (const item of items) for (const [name, value] of Object.entries(item.counters)) counters[name] = (counters[name] ?? 0) + value;
    return { n: (name: string) => counters[name] ?? 0, counters };
  };
  const period = sum(dayItems);
  const gauge = sum(gaugeItems);
  const currency = shop.currency ?? FALLBACK_CURRENCY;

  // Distinct counts over the range from the members' histories (see `histories.ts`).
  const { buyers, repeatCustomers, gaps: gapCount, gapMinutes, activeMembers } = historySums(dayItems, range.from);

  const orders = period.n('orders');
  const revenue = period.n('revenueMinor');
  const earned = period.n('pointsEarned') + period.n('pointsBonus');
  const promoters = period.n('promoters');
  const detractors = period.n('detractors');
  const responses = period.n('feedback');

  // What a point is worth: the best fixed-amount reward's rate (5 off for 500 points: 0.01).
  const fixed = shop.program.rewards.filter((reward) => reward.kind === 'fixed_amount' && reward.value);
  const best = fixed.sort((a, b) => b.value! / b.cost - a.value! / a.cost)[0];
  const liabilityPoints = gauge.n('liabilityPoints');
  const liabilityMinor = best ? Math.floor((liabilityPoints * toMinorUnits(best.value!, currency)) / best.cost) : 0;

  return {
    from: range.from,
    to: range.to,
    currency,
    members: gauge.n('members'),
    newMembers: period.n('newMembers'),
    activeMembers,
    buyers,
    repeatCustomers,
    repeatPurchaseRate: ratio(repeatCustomers, buyers),
    averageDaysBetweenOrders: gapCount > 0 ? Math.round((gapMinutes / gapCount / 1440) * 10) / 10 : null,
    lifetime: { buyers: gauge.n('buyers'), repeatBuyers: gauge.n('repeatBuyers'), repeatCustomerRate: ratio(gauge.n('repeatBuyers'), gauge.n('buyers')) },
    orders,
    memberRevenue: formatMinorUnits(revenue, currency),
    averageOrderValue: orders > 0 ? formatMinorUnits(Math.round(revenue / orders), currency) : null,
    points: {
      earned: period.n('pointsEarned'),
      bonus: period.n('pointsBonus'),
      redeemed: period.n('pointsRedeemed'),
      expired: period.n('pointsExpired'),
      reversed: period.n('pointsReversed'),
      adjusted: period.n('pointsAdjusted'),
    },
    redemptions: period.n('redemptions'),
    redemptionRate: ratio(period.n('pointsRedeemed'), earned),
    coupons: { issued: period.n('couponsIssued'), used: period.n('couponsUsed'), useRate: ratio(period.n('couponsUsed'), period.n('couponsIssued')) },
    pointsLiability: { points: liabilityPoints, pending: gauge.n('pendingPoints'), value: formatMinorUnits(liabilityMinor, currency) },
    tiers: Object.fromEntries(shop.program.tiers.map((tier) => [tier.name, gauge.n(`tier:${tier.name}`)])),
    fadingMembers: gauge.n('fading'),
    nps: { score: responses > 0 ? Math.round((100 * (promoters - detractors)) / responses) : null, responses, promoters, passives: period.n('passives'), detractors },
    complaints: period.n('complaints'),
  };
}
