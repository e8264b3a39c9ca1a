/**
 * The coupon outbox: a pending coupon is created in Shopify now if possible, else retried later
 * with backoff (honouring Shopify's own `Retry-After` and query-cost refill). A coupon Shopify
 * refuses for good is marked failed and its points come back to the member; one Shopify may
 * already have (a lost answer) is never refunded. Every time a coupon is left pending, and when
 * one fails for good, the outbox logs one line saying why.
 */
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { issueStoreCredit } from './issue-store-credit.ts';
import { backoffMs, consoleOutboxLog, described, giveBack, MAX_ISSUE_ATTEMPTS, type OutboxLog } from './outbox.ts';

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
