/** Lots: points earned together and spent or reversed together. */
import type { Lot } from './types.ts';

/** Lots that still hold points, the soonest to expire first. */
export function spendingOrder(lots: readonly Lot[]): Lot[] {
  return lots
    .filter((lot) => lot.remaining > 0)
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.earnedAt.localeCompare(b.earnedAt) || a.id.localeCompare(b.id));
}

/**
 * Takes `points` out of lots, `first` (the order's own lot, for a reversal) before the others.
 * Returns the changed lots and what no lot could cover.
 */
export function takeFromLots(lots: readonly Lot[], points: number, first?: string): { changed: Lot[]; uncovered: number } {
  const ordered = spendingOrder(lots);
  const own = ordered.findIndex((lot) => lot.id === first);
  if (own > 0) ordered.unshift(...ordered.splice(own, 1));
  let left = points;
  const changed: Lot[] = [];
  for (const lot of ordered) {
    if (left === 0) break;
    const taken = Math.min(lot.remaining, left);
    changed.push({ ...lot, remaining: lot.remaining - taken });
    left -= taken;
  }
  return { changed, uncovered: left };
}
