/**
 * Lots: points earned together and expiring together. The member's `consumed` points (redeemed
 * or expired) are taken from the lots in expiry order, so what remains in each lot is derived,
 * never stored: a redemption changes one number, whatever the number of lots.
 */
import type { Lot } from './types.ts';

/** Expiry order: the soonest to expire first; ties by earning date, then id, so it is total. */
export function byExpiry(a: Lot, b: Lot): number {
  return a.expiresAt.localeCompare(b.expiresAt) || a.earnedAt.localeCompare(b.earnedAt) || a.id.localeCompare(b.id);
}

export interface LotStanding {
  lot: Lot;
  remaining: number;
}

/** Whether a lot's points can be spent now: not pending, not settled by expiry. */
export function isSpendable(lot: Lot): boolean {
  return !lot.pendingUntil && !lot.settledAt;
}

/** Each spendable lot with what is left in it once `consumed` points are taken oldest first. */
export function lotStandings(lots: readonly Lot[], consumed: number): LotStanding[] {
  let left = consumed;
  return lots.filter(isSpendable).sort(byExpiry).map((lot) => {
    const taken = Math.min(lot.points, Math.max(0, left));
    left -= taken;
    return { lot, remaining: lot.points - taken };
  });
}
