/**
 * The coupon outbox: a pending coupon is created in Shopify now if possible, else retried later
 * with backoff (honouring Shopify's own `Retry-After` and query-cost refill). A coupon Shopify
 * refuses for good is marked failed and its points come back to the member; one Shopify may
 * already have (a lost answer) is never refunded. Every time a coupon is left pending, and when
 * one fails for good, the outbox logs one line saying why.
 */
import { addDays } from '../clock.ts';
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { statsFor } from '../kpis/stats.ts';
import { issueStoreCredit } from './issue-store-credit.ts';

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

export async function issueCoupon(store: LoyaltyStore, issuer: DiscountIssuer, coupon: Coupon, shop: Shop, now: Date, log: OutboxLog = consoleOutboxLog): Promise<Coupon> {
  if (coupon.status !== 'pending') return coupon;
  if (coupon.reward.kind === 'store_credit') return issueStoreCredit(store, issuer, coupon, shop, now, log);
  // An uninstalled shop's coupons can no longer be created: their points go back.
  const result = shop.active ? await issuer.issue(coupon, shop) : ({ kind: 'rejected', reason: 'the shop uninstalled the app' } as const);
  const attempts = coupon.attempts + 1;
  if (result.kind === 'issued') {
    const { nextAttemptAt: _done, lastError: _cleared, ...rest } = coupon;
    const issued: Coupon = { ...rest, status: 'issued', attempts, shopifyDiscountId: result.discountId };
    return (await store.saveCoupon(issued, 'pending')) ? issued : ((await store.getCoupon(coupon.shop, coupon.code)) ?? issued);
  }
  const mayExist = coupon.mayExistInShopify === true || (result.kind === 'retry' && result.mayExist === true);
  // A coupon Shopify may already have is never given up: refunding it could leave the customer
  // with the discount and the points. It waits (at the longest backoff) for a person or Shopify.
  if ((result.kind === 'retry' && attempts < MAX_ISSUE_ATTEMPTS) || mayExist) {
    const wait = Math.max(result.kind === 'retry' ? result.afterMs : 0, backoffMs(attempts));
    const waiting: Coupon = { ...coupon, attempts, lastError: result.reason, nextAttemptAt: new Date(now.getTime() + wait).toISOString(), ...(mayExist ? { mayExistInShopify: true as const } : {}) };
    if (!(await store.saveCoupon(waiting, 'pending'))) return (await store.getCoupon(coupon.shop, coupon.code)) ?? waiting;
    log.warn('coupon still pending', {
      ...described(waiting),
      reason: result.reason,
      nextAttemptAt: waiting.nextAttemptAt,
      ...(mayExist ? { mayExistInShopify: true } : {}),
      ...(attempts >= MAX_ISSUE_ATTEMPTS ? { needsAttention: 'past the last try, but Shopify may have the discount: not refunded' } : {}),
    });
    return waiting;
  }
  const { nextAttemptAt: _never, mayExistInShopify: _no, ...rest } = coupon;
  return giveBack(store, { ...rest, status: 'failed', attempts, lastError: result.reason }, coupon, shop, now, log);
}

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
  // The refund is an ADD on the balance; its figures move as if the member gave the points back.
  const stats = member ? statsFor({ member: { ...member, balance: member.balance + coupon.points }, lots: [lot], entries: [entry] }, { member }) : [];
  if (await store.refundCoupon(failed, { lot, entry, stats })) failedForGood();
  return failed;
}

export interface OutboxRun {
  tried: number;
  issued: number;
  waiting: number;
  failed: number;
}

/** The `issue-coupons` job: every pending coupon whose next try is due, at most `limit`. */
export async function retryPendingCoupons(store: LoyaltyStore, issuer: DiscountIssuer, now: Date, options: { limit?: number; log?: OutboxLog } = {}): Promise<OutboxRun> {
  const { limit = 100, log = consoleOutboxLog } = options;
  const run: OutboxRun = { tried: 0, issued: 0, waiting: 0, failed: 0 };
  const shops = new Map<string, Shop | undefined>();
  for (const due of await store.dueCoupons(now, limit)) {
    const coupon = await store.getCoupon(due.shop, due.code);
    if (!shops.has(due.shop)) shops.set(due.shop, await store.getShop(due.shop));
    const shop = shops.get(due.shop);
    if (!coupon || !shop || coupon.status !== 'pending') continue;
    run.tried++;
    const after = await issueCoupon(store, issuer, coupon, shop, now, log);
    if (after.status === 'issued') run.issued++;
    else if (after.status === 'failed') run.failed++;
    else run.waiting++;
  }
  return run;
}
