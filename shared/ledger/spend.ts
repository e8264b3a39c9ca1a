/**
 * Tier spend: each paid, uncancelled order's eligible spend (net of refunds) at its own instant,
 * kept on the member so that a tier needs no query. An order is rated by the spend of the 365 days
 * before its instant (earlier orders of the same day included); the member's tier by the spend of
 * the 365 days up to the latest instant seen. Because each order also keeps the multiplier it was
 * rated with, a late, earlier order (or a refund or cancellation of one) shows at once which
 * later orders it re-rates: those whose kept multiplier no longer matches the spend before them.
 */

export const TIER_WINDOW_DAYS = 365;
const DAY_MS = 86_400_000;
const WINDOW_MS = TIER_WINDOW_DAYS * DAY_MS;

/** One order in the member's tier history. */
export interface OrderSpend {
  /** The order's business instant (`processed_at`, else `created_at`), ISO 8601 UTC. */
  at: string;
  /** Eligible spend still counted: net of refunds, in the shop's minor units. */
  minor: number;
  /** The tier multiplier the order's points were computed with. */
  multiplier: number;
  /** Cancelled: it counts no spend and no order, but is still re-rated (what it earned, and gave back). */
  cancelled?: true;
  /** From the history imported at installation: an order placed before the program (`kpis/roi-figures.ts`). */
  imported?: true;
}

export type SpendByOrder = Record<string, OrderSpend>;

const ms = (at: string) => Date.parse(at);

/** Spend of the orders in the window of 365 days up to and including `at`. */
export function spendUpTo(spend: SpendByOrder, at: string): number {
  const end = ms(at);
  let total = 0;
  for (const entry of Object.values(spend)) {
    const t = ms(entry.at);
    if (t <= end && t > end - WINDOW_MS) total += entry.minor;
  }
  return total;
}

/**
 * Spend that rates an order at `at`: the orders of the 365 days strictly before that instant
 * (the order itself and orders at the very same instant do not count).
 */
export function spendBefore(spend: SpendByOrder, at: string, exceptOrderId?: string): number {
  const end = ms(at);
  let total = 0;
  for (const [orderId, entry] of Object.entries(spend)) {
    const t = ms(entry.at);
    if (orderId !== exceptOrderId && t < end && t >= end - WINDOW_MS) total += entry.minor;
  }
  return total;
}

/**
 * Orders are kept for two windows before `asOf`: enough to re-rate exactly any order that a late
 * delivery could still change inside the current window.
 */
export function pruneSpend(spend: SpendByOrder, asOf: string): SpendByOrder {
  const oldest = ms(asOf) - 2 * WINDOW_MS;
  const kept: SpendByOrder = {};
  for (const [orderId, entry] of Object.entries(spend)) if (ms(entry.at) >= oldest) kept[orderId] = entry;
  return kept;
}

/**
 * The later orders that a change of spend at `changedAt` re-rates: those of the 365 days after it
 * whose kept multiplier differs from the one the spend before them now gives, oldest first. Only
 * orders after a change are looked at, so a program change never re-rates history by itself.
 * `rate` maps spend to a multiplier (the program's tiers).
 */
export function ratingsChangedAfter(spend: SpendByOrder, changedAt: string, rate: (spendMinor: number) => number): { orderId: string; multiplier: number }[] {
  const from = ms(changedAt);
  const changed: { orderId: string; at: string; multiplier: number }[] = [];
  for (const [orderId, entry] of Object.entries(spend)) {
    const t = ms(entry.at);
    if (t <= from || t > from + WINDOW_MS) continue;
    const multiplier = rate(spendBefore(spend, entry.at, orderId));
    if (multiplier !== entry.multiplier) changed.push({ orderId, at: entry.at, multiplier });
  }
  return changed.sort((a, b) => a.at.localeCompare(b.at) || a.orderId.localeCompare(b.orderId)).map(({ orderId, multiplier }) => ({ orderId, multiplier }));
}

/** The latest instant of `a` and `b`, or the one defined. */
export function latest(a: string | undefined, b: string): string {
  return a && a > b ? a : b;
}

/** An instant no later than a day past `now`: far-future business dates do not move the tier window. */
export function boundedByNow(at: string, now: Date): string {
  const limit = new Date(now.getTime() + DAY_MS).toISOString();
  return at > limit ? limit : at;
}
