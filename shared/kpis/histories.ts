/**
 * Distinct counts over any range of days, from each member's own history instead of sets of ids.
 *
 * A range `[from, to]` of at most a year counts a buyer once: by the order whose previous order
 * (of the same customer) came before `from`. So each order adds one to its day's buyers keyed by
 * the day of its previous order (`_b{days before}`), and a range sums, over its days, the entries
 * whose key falls before `from`. The same trick gives customers with two orders or more in the
 * range (`_r`: the order whose previous one is in the range and the one before that is not), the
 * gaps between orders of one customer inside the range (the buyers keyed on or after `from`, and
 * their minutes `_m`), and active members (`_a`, keyed by the member's previous active day). Keys
 * more than a year before their day read the same for every range, so they collapse into `o`: an
 * item holds at most 367 short keys per figure, however busy the shop.
 */
import { DAY_MS, utcDay } from '../clock.ts';
import { TIER_WINDOW_DAYS, type SpendByOrder } from '../ledger/spend.ts';
import type { Member } from '../ledger/types.ts';

/** A key for an earlier day more than a year back, or none: it reads the same for every range. */
const OLDER = 'o';
const LOOKBACK_DAYS = 366;

const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

/**
 * The key of an earlier instant on a figure of `onDay`: how many days before `onDay` its day is
 * (`0` the same day), or `o` when none or past any range. Short, so that a busy day's item stays
 * small: a figure holds at most 367 keys of a few bytes.
 */
export function keyFor(earlier: string | undefined, onDay: string): string {
  if (!earlier) return OLDER;
  const days = dayNumber(onDay) - dayNumber(utcDay(earlier));
  return days >= LOOKBACK_DAYS ? OLDER : String(Math.max(0, days));
}

/** The history figures, by the one-letter name their counters carry (`_b12`: buyers, previous order 12 days before). */
const HISTORY = { buyers: 'b', repeat: 'r', gapMinutes: 'm', active: 'a' } as const;
export const historyName = (figure: keyof typeof HISTORY, key: string) => `_${HISTORY[figure]}${key}`;

type Counters = Map<string, number>;
const bump = (counters: Counters, name: string, by: number) => by && counters.set(name, (counters.get(name) ?? 0) + by);

/**
 * What the member's orders contribute, per day, to the order histories. Only orders at or after
 * `since` count: older ones may have lost their previous orders to pruning (the member keeps two
 * tier windows), and their figures stay as they were written.
 */
function orderHistoryCounters(spend: SpendByOrder, since: number): Map<string, Counters> {
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
    bump(counters, historyName('buyers', keyFor(previous?.at, day)), 1);
    if (previous) {
      bump(counters, historyName('repeat', keyFor(beforeThat?.at, day)), 1);
      bump(counters, historyName('repeat', keyFor(previous.at, day)), -1);
      // The number of gaps keyed by a day is the buyers keyed by it: only their minutes are kept.
      bump(counters, historyName('gapMinutes', keyFor(previous.at, day)), Math.round((order.t - previous.t) / 60_000));
    }
  });
  return byDay;
}

/** From when a member's order histories are whole, in both images of a change. */
function historySince(before: Member | undefined, after: Member): number {
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

export interface HistorySums {
  buyers: number;
  repeatCustomers: number;
  gaps: number;
  gapMinutes: number;
  activeMembers: number;
}

/**
 * What a range starting on `from` reads from its days' items: keys before `from` for buyers,
 * repeat customers and active members; keys on or after `from` for the gaps between orders.
 */
export function historySums(items: { bucket: string; counters: Record<string, number> }[], from: string): HistorySums {
  const sums: HistorySums = { buyers: 0, repeatCustomers: 0, gaps: 0, gapMinutes: 0, activeMembers: 0 };
  const first = dayNumber(from);
  for (const { bucket, counters } of items) {
    // A key k on day d is the day d - k: before `from` when k > d - from.
    const within = dayNumber(bucket) - first;
    for (const [name, value] of Object.entries(counters)) {
      if (!name.startsWith('_')) continue;
      const key = name.slice(2);
      const before = key === OLDER || Number(key) > within;
      const figure = name[1];
      if (figure === HISTORY.buyers) before ? (sums.buyers += value) : (sums.gaps += value);
      else if (figure === HISTORY.repeat && before) sums.repeatCustomers += value;
      else if (figure === HISTORY.gapMinutes && !before) sums.gapMinutes += value;
      else if (figure === HISTORY.active && before) sums.activeMembers += value;
    }
  }
  return sums;
}
