/**
 * Tier spend: eligible spend per UTC day, summed over a 365-day window. Days are kept on the
 * member so that a tier needs no query; days older than the window are dropped.
 */
import { addDays, utcDay } from '../clock.ts';

export const TIER_WINDOW_DAYS = 365;

/** Spend on the `TIER_WINDOW_DAYS` days up to and including `lastDay`. */
export function spendInWindow(spendByDay: Record<string, number>, lastDay: string): number {
  const firstDay = utcDay(addDays(`${lastDay}T00:00:00Z`, -(TIER_WINDOW_DAYS - 1)));
  let total = 0;
  for (const [day, minor] of Object.entries(spendByDay)) {
    if (day >= firstDay && day <= lastDay) total += minor;
  }
  return total;
}

/** Spend on the window of days before `day`: what an order placed on `day` is rated by. */
export function spendBefore(spendByDay: Record<string, number>, day: string): number {
  return spendInWindow(spendByDay, utcDay(addDays(`${day}T00:00:00Z`, -1)));
}

/** Adds `delta` to a day and drops days no window reaching the newest day can count. */
export function addSpend(spendByDay: Record<string, number>, day: string, delta: number): Record<string, number> {
  const next = { ...spendByDay };
  const total = (next[day] ?? 0) + delta;
  if (total > 0) next[day] = total;
  else delete next[day];
  const newest = Object.keys(next).reduce((a, b) => (a > b ? a : b), day);
  const oldestKept = utcDay(addDays(`${newest}T00:00:00Z`, -(TIER_WINDOW_DAYS + 1)));
  for (const kept of Object.keys(next)) if (kept < oldestKept) delete next[kept];
  return next;
}
