/**
 * The figures of the ROI view ("Does it pay?"), read off the change stream like the others: per
 * UTC month, one bucket `roi:YYYY-MM` of counters. Pure: each function takes a record as it was
 * and as it is, and answers what it adds to which month.
 *
 * Customers are grouped per order, by what was true at the order's own instant:
 * - `e` members who use the program: they had redeemed points for a reward before the order;
 * - `c` comparable customers who do not: they had ordered before, and never redeemed;
 * - `f` first orders of customers who never redeemed;
 * - `a` every customer's order since the program runs (e, c and f together, customers once);
 * - `b` orders imported from before the program (the year before installation);
 * - `g` guest orders, revenue and orders only (a guest has no id to count once), and only those the
 *   service keeps: with an email while the program's guest claims are on. A claimed one leaves `g`.
 *
 * Distinct customers are exact, not estimated: a member's whole order history (two tier windows)
 * is on the member, so the month's counters are recomputed from each image of the member and only
 * the difference is added, as `histories.ts` does for the day figures.
 */
import { DAY_MS } from '../clock.ts';
import { TIER_WINDOW_DAYS } from '../ledger/spend.ts';
import type { LedgerEntry, Member, Order } from '../ledger/types.ts';
import { toMinorUnits } from '../money/money.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { refundedEligible } from '../earning/orders.ts';
import type { FigureSource } from './stats-types.ts';

export const ROI_GROUPS = ['e', 'c', 'f', 'a', 'b', 'g'] as const;
export type RoiGroup = (typeof ROI_GROUPS)[number];

/** A customer "came back" after an order when they ordered again within this many days. */
export const RETURN_WINDOW_DAYS = 90;

/** The bucket of a UTC month's ROI figures. */
export const roiBucket = (month: string) => `roi:${month}`;
/** The UTC month of an instant: stored instants are ISO 8601 in UTC already (`…Z`), read as they are. */
export const monthOf = (at: string) => (/^\d{4}-\d{2}-\d{2}T[^+]*Z$/.test(at) ? at.slice(0, 7) : new Date(at).toISOString().slice(0, 7));

/** The counters' names: revenue, orders, customers and customers who came back, per group; rewards' cost; points' net change. */
export const ROI = {
  revenue: (g: RoiGroup) => `${g}.rev`,
  orders: (g: RoiGroup) => `${g}.ord`,
  customers: (g: RoiGroup) => `${g}.cus`,
  cameBack: (g: RoiGroup) => `${g}.ret`,
  discounts: 'cost.disc',
  storeCredit: 'cost.credit',
  points: 'pts',
} as const;

type MonthCounters = Map<string, Record<string, number>>;

function bump(counters: MonthCounters, month: string, name: string, by: number) {
  if (!by) return;
  const add = counters.get(month) ?? counters.set(month, {}).get(month)!;
  add[name] = (add[name] ?? 0) + by;
  if (add[name] === 0) delete add[name];
}

/** The group of an order at `at`: which customers it counts among. */
function groupOf(member: Member, order: { at: string; imported?: true }, hadOrdered: boolean): RoiGroup {
  if (order.imported) return 'b';
  if (member.firstRedeemedAt && member.firstRedeemedAt <= order.at) return 'e';
  return hadOrdered ? 'c' : 'f';
}

/** What one image of a member adds to each month, counting its orders at or after `since`. */
export function memberRoiCounters(member: Member, since: number): MonthCounters {
  const orders = Object.values(member.spendByOrder)
    .filter((entry) => !entry.cancelled)
    .map((entry) => ({ ...entry, t: Date.parse(entry.at) }))
    .sort((x, y) => x.t - y.t || x.at.localeCompare(y.at));
  const counters: MonthCounters = new Map();
  const seen = new Set<string>();
  const cameBack = new Set<string>();
  orders.forEach((order, i) => {
    if (order.t < since) return;
    const month = monthOf(order.at);
    const hadOrdered = i > 0 || (member.firstOrderAt !== undefined && member.firstOrderAt < order.at);
    const group = groupOf(member, order, hadOrdered);
    const next = orders[i + 1];
    const back = next !== undefined && next.t - order.t <= RETURN_WINDOW_DAYS * DAY_MS;
    for (const g of group === 'b' ? (['b'] as const) : ([group, 'a'] as const)) {
      bump(counters, month, ROI.revenue(g), order.minor);
      bump(counters, month, ROI.orders(g), 1);
      const key = `${month} ${g}`;
      if (!seen.has(key)) {
        seen.add(key);
        bump(counters, month, ROI.customers(g), 1);
      }
      if (back && !cameBack.has(key)) {
        cameBack.add(key);
        bump(counters, month, ROI.cameBack(g), 1);
      }
    }
  });
  return counters;
}

/**
 * From when a member's orders are whole in both images: older orders may have been pruned, so
 * their months stay as they were written (the same rule as the day figures' histories).
 */
function roiSince(before: Member | undefined, after: Member): number {
  const asOf = Math.max(Date.parse(after.tierAsOf), before ? Date.parse(before.tierAsOf) : 0);
  return asOf - TIER_WINDOW_DAYS * DAY_MS;
}

function difference(was: MonthCounters, now: MonthCounters): MonthCounters {
  const deltas: MonthCounters = new Map();
  for (const month of new Set([...was.keys(), ...now.keys()])) {
    const names = new Set([...Object.keys(was.get(month) ?? {}), ...Object.keys(now.get(month) ?? {})]);
    for (const name of names) bump(deltas, month, name, (now.get(month)?.[name] ?? 0) - (was.get(month)?.[name] ?? 0));
  }
  return deltas;
}

/** Orders not cancelled, paid: their discounts from our codes are a reward's cost. */
const counted = (order: Order | undefined) => order?.paid !== undefined && !order.cancelledAt;

function orderRoi(counters: MonthCounters, was: Order | undefined, after: Order | undefined) {
  for (const [order, sign] of [[was, -1], [after, 1]] as const) {
    if (!counted(order)) continue;
    const month = monthOf(order!.paid!.at);
    bump(counters, month, ROI.discounts, sign * (order!.paid!.loyaltyDiscountMinor ?? 0));
    if (order!.customerId === undefined) {
      bump(counters, month, ROI.revenue('g'), sign * Math.max(0, order!.paid!.eligibleMinor - refundedEligible(order!)));
      bump(counters, month, ROI.orders('g'), sign);
    }
  }
}

/** A store credit counts at its value once Shopify has it, in the month it was redeemed. */
function couponRoi(counters: MonthCounters, was: Coupon | undefined, after: Coupon | undefined) {
  if (!after || after.reward.kind !== 'store_credit' || !after.reward.value) return;
  const issued = (coupon: Coupon | undefined) => Number(coupon?.status === 'issued' || coupon?.status === 'used');
  bump(counters, monthOf(after.createdAt), ROI.storeCredit, (issued(after) - issued(was)) * toMinorUnits(after.reward.value, after.currency));
}

function ledgerRoi(counters: MonthCounters, entry: LedgerEntry) {
  bump(counters, monthOf(entry.occurredAt), ROI.points, entry.points);
}

/** Whether a change leaves what the months read of a member as it was (a balance, contact data, …). */
function sameOrders(before: Member | undefined, after: Member): boolean {
  return (
    before !== undefined &&
    before.firstRedeemedAt === after.firstRedeemedAt &&
    before.firstOrderAt === after.firstOrderAt &&
    before.tierAsOf === after.tierAsOf &&
    JSON.stringify(before.spendByOrder) === JSON.stringify(after.spendByOrder)
  );
}

/** What one stored change adds to the ROI months: `[bucket, counters]` pairs. */
export function roiFiguresOf(source: FigureSource): [string, Record<string, number>][] {
  let counters: MonthCounters = new Map();
  if (source.kind === 'member' && source.after && !sameOrders(source.before, source.after)) {
    const since = roiSince(source.before, source.after);
    counters = difference(source.before ? memberRoiCounters(source.before, since) : new Map(), memberRoiCounters(source.after, since));
  }
  else if (source.kind === 'order') orderRoi(counters, source.before, source.after);
  else if (source.kind === 'coupon') couponRoi(counters, source.before, source.after);
  else if (source.kind === 'ledger') ledgerRoi(counters, source.entry);
  return [...counters].filter(([, add]) => Object.keys(add).length).map(([month, add]) => [roiBucket(month), add]);
}
