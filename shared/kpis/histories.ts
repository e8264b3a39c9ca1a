/**
 * Distinct counts over any range of days, from each member's own history instead of sets of ids.
 *
 * A range `[from, to]` of at most a year counts a buyer once: by the order whose previous order
 * (of the same customer) came before `from`. So each order adds one to its day's `buyers@{day of
 * its previous order}`, and a range sums, over its days, the entries whose key is before `from`.
 * The same trick gives customers with two orders or more in the range (`repeat@`: the order whose
 * previous one is in the range and the one before that is not), the gaps between orders of one
 * customer inside the range (`gapN@`, `gapMinutes@`, keyed by the previous order, summed where
 * the key is `from` or later), and active members (`active@`, keyed by the member's previous
 * active day). Keys more than a year before their day read the same for every range, so they
 * collapse into `0`: an item holds at most 367 keys per figure, however busy the shop.
 */
import { DAY_MS, utcDay } from '../clock.ts';
import { TIER_WINDOW_DAYS, type SpendByOrder } from '../ledger/spend.ts';
import type { Member } from '../ledger/types.ts';

export const OLDER = '0';
const LOOKBACK_DAYS = 366;

/** `day` of an earlier instant as a key for a figure of `onDay`; `0` when none or past any range. */
export function keyFor(earlier: string | undefined, onDay: string): string {
  if (!earlier) return OLDER;
  const day = utcDay(earlier);
  return Date.parse(`${onDay}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`) >= LOOKBACK_DAYS * DAY_MS ? OLDER : day;
}

type Counters = Map<string, number>;
const bump = (counters: Counters, name: string, by: number) => by && counters.set(name, (counters.get(name) ?? 0) + by);

/**
 * What the member's orders contribute, per day, to the order histories. Only orders at or after
 * `since` count: older ones may have lost their previous orders to pruning (the member keeps two
 * tier windows), and their figures stay as they were written.
 */
export function orderHistoryCounters(spend: SpendByOrder, since: number): Map<string, Counters> {
  const orders = Object.values(spend)
    .filter((entry) => !entry.cancelled)
    .map((entry) => ({ at: entry.at, t: Date.parse(entry.at) }))
    .sort((a, b) => a.t - b.t || a.at.localeCompare(b.at));
  const byDay = new Map<string, Counters>();
  orders.forEach((order, i) => {
    if (order.t < since) return;
    const day = utcDay(order.at);
    const counters = byDay.get(day) ?? byDay.set(day, new Map()).get(day)!;
    const previous = orders[i - 1];
    const beforeThat = orders[i - 2];
    bump(counters, `buyers@${keyFor(previous?.at, day)}`, 1);
    if (previous) {
      bump(counters, `repeat@${keyFor(beforeThat?.at, day)}`, 1);
      bump(counters, `repeat@${keyFor(previous.at, day)}`, -1);
      bump(counters, `gapN@${keyFor(previous.at, day)}`, 1);
      bump(counters, `gapMinutes@${keyFor(previous.at, day)}`, Math.round((order.t - previous.t) / 60_000));
    }
  });
  return byDay;
}

/** From when a member's order histories are whole, in both images of a change. */
export function historySince(before: Member | undefined, after: Member): number {
  const asOf = Math.max(Date.parse(after.tierAsOf), before ? Date.parse(before.tierAsOf) : 0);
  return asOf - TIER_WINDOW_DAYS * DAY_MS;
}

/** The per-day difference of the order histories between two images of a member. */
export function orderHistoryDeltas(before: Member | undefined, after: Member): Map<string, Record<string, number>> {
  const since = historySince(before, after);
  const was = orderHistoryCounters(before?.spendByOrder ?? {}, since);
  const now = orderHistoryCounters(after.spendByOrder, since);
  const deltas = new Map<string, Record<string, number>>();
  for (const day of new Set([...was.keys(), ...now.keys()])) {
    const add: Record<string, number> = {};
    const names = new Set([...(was.get(day)?.keys() ?? []), ...(now.get(day)?.keys() ?? [])]);
    for (const name of names) {
      const by = (now.get(day)?.get(name) ?? 0) - (was.get(day)?.get(name) ?? 0);
      if (by) add[name] = by;
    }
    if (Object.keys(add).length) deltas.set(day, add);
  }
  return deltas;
}

/** Sums of the keyed figures a range reads: keys before `from`, or from `from` on. */
export function keyedSum(counters: Record<string, number>, figure: string, from: string, side: 'before' | 'from'): number {
  let total = 0;
  const prefix = `${figure}@`;
  for (const [name, value] of Object.entries(counters)) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (side === 'before' ? key < from : key !== OLDER && key >= from) total += value;
  }
  return total;
}
