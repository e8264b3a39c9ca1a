/**
 * The coupon outbox: a pending coupon is created in Shopify now if possible, else retried later
 * with backoff (honouring Shopify's own `Retry-After` and query-cost refill). A coupon Shopify
 * refuses for good is marked failed and its points come back to the member.
 */
import { addDays } from '../clock.ts';
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { statsFor } from '../kpis/stats.ts';

/** After this many tries (about a week of backoff) a coupon is given up and refunded. */
export const MAX_ISSUE_ATTEMPTS = 40;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export async function issueCoupon(store: LoyaltyStore, issuer: DiscountIssuer, coupon: Coupon, shop: Shop, now: Date): Promise<Coupon> {
  if (coupon.status !== 'pending') return coupon;
  // An uninstalled shop's coupons can no longer be created: their points go back.
  const result = shop.active ? await issuer.issue(coupon, shop) : ({ kind: 'rejected', reason: 'the shop uninstalled the app' } as const);
  const attempts = coupon.attempts + 1;
  if (result.kind === 'issued') {
    const { nextAttemptAt: _done, lastError: _cleared, ...rest } = coupon;
    const issued: Coupon = { ...rest, status: 'issued', attempts, shopifyDiscountId: result.discountId };
    return (await store.saveCoupon(issued, 'pending')) ? issued : ((await store.getCoupon(coupon.shop, coupon.code)) ?? issued);
  }
  if (result.kind === 'retry' && attempts < MAX_ISSUE_ATTEMPTS) {
    const wait = Math.max(result.afterMs, backoffMs(attempts));
    const waiting: Coupon = { ...coupon, attempts, lastError: result.reason, nextAttemptAt: new Date(now.getTime() + wait).toISOString() };
    return (await store.saveCoupon(waiting, 'pending')) ? waiting : ((await store.getCoupon(coupon.shop, coupon.code)) ?? waiting);
  }
  const { nextAttemptAt: _never, ...rest } = coupon;
  const failed: Coupon = { ...rest, status: 'failed', attempts, lastError: result.reason };
  if (coupon.points === 0) return (await store.saveCoupon(failed, 'pending')) ? failed : coupon;
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
  // The refund is an ADD on the balance; its figures move as if the member gave the points back.
  const stats = member ? statsFor({ member: { ...member, balance: member.balance + coupon.points }, lots: [lot], entries: [entry] }, { member }) : [];
  await store.refundCoupon(failed, { lot, entry, stats });
  return failed;
}

export interface OutboxRun {
  tried: number;
  issued: number;
  waiting: number;
  failed: number;
}

/** The `issue-coupons` job: every pending coupon whose next try is due, at most `limit`. */
export async function retryPendingCoupons(store: LoyaltyStore, issuer: DiscountIssuer, now: Date, limit = 100): Promise<OutboxRun> {
  const run: OutboxRun = { tried: 0, issued: 0, waiting: 0, failed: 0 };
  const shops = new Map<string, Shop | undefined>();
  for (const due of await store.dueCoupons(now, limit)) {
    const coupon = await store.getCoupon(due.shop, due.code);
    if (!shops.has(due.shop)) shops.set(due.shop, await store.getShop(due.shop));
    const shop = shops.get(due.shop);
    if (!coupon || !shop || coupon.status !== 'pending') continue;
    run.tried++;
    const after = await issueCoupon(store, issuer, coupon, shop, now);
    if (after.status === 'issued') run.issued++;
    else if (after.status === 'failed') run.failed++;
    else run.waiting++;
  }
  return run;
}
