/**
 * What the coupon and store credit outboxes share: their backoff, their log port, and giving the
 * points back when Shopify refuses a reward for good.
 */
import { addDays } from '../clock.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';

/** After this many tries (about a week of backoff) a coupon is given up and refunded. */
export const MAX_ISSUE_ATTEMPTS = 40;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Where the outbox says, as one structured line, why a coupon is still pending and when one fails
 * for good. The shop and the code, never the customer. Powertools' `Logger` fits it.
 */
export interface OutboxLog {
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** One JSON line on the console, for a caller that has no logger of its own (the local server's jobs). */
export const consoleOutboxLog: OutboxLog = {
  warn: (message, attributes) => console.warn(JSON.stringify({ level: 'WARN', message, ...attributes })),
  error: (message, attributes) => console.error(JSON.stringify({ level: 'ERROR', message, ...attributes })),
};

/** What a log line says about a coupon: nothing about its customer. */
export const described = (coupon: Coupon) => ({ shop: coupon.shop, code: coupon.code, rewardId: coupon.rewardId, source: coupon.source, attempts: coupon.attempts });

/**
 * Shopify refused a coupon (or store credit) for good: it becomes `failed` and its points come back
 * to the member as a new lot (`adjust`, `coupon-refused`), in one transaction that only succeeds
 * while the record is still pending, so points never come back twice.
 */
export async function giveBack(store: LoyaltyStore, failed: Coupon, coupon: Coupon, shop: Shop, now: Date, log: OutboxLog): Promise<Coupon> {
  const what = coupon.reward.kind === 'store_credit' ? 'store credit' : 'coupon';
  const failedForGood = () => log.error(`${what} failed for good; its points went back`, { ...described(failed), reason: failed.lastError, pointsReturned: coupon.points });
  if (coupon.points === 0) {
    if (!(await store.saveCoupon(failed, 'pending'))) return coupon;
    failedForGood();
    return failed;
  }
  const lotId = `refund:${coupon.code}`;
  // The refund itself is an ADD; the balance shown on the entry is as of this read.
  const member = await store.getMember(coupon.shop, coupon.customerId);
  const lot = { id: lotId, source: 'adjust' as const, earnedAt: now.toISOString(), expiresAt: addDays(now, shop.program.expiry.days).toISOString(), points: coupon.points };
  const entry = {
    id: lotId,
    type: 'adjust' as const,
    points: coupon.points,
    occurredAt: now.toISOString(),
    recordedAt: now.toISOString(),
    balanceAfter: (member?.balance ?? 0) + coupon.points,
    reason: 'coupon-refused',
    couponCode: coupon.code,
  };
  if (await store.refundCoupon(failed, { lot, entry })) failedForGood();
  return failed;
}
