/**
 * The redemption use case: read the member, let the core decide, write the balance change, the
 * ledger entry and the coupon in one transaction whose condition refuses an overdraft; then try
 * to create the discount in Shopify at once. If Shopify cannot take it now, the coupon stays
 * pending and the outbox job finishes it: never lost, never issued twice.
 */
import { defaultRetryPolicy, retryOnConflict, type RetryPolicy } from '../store/retry.ts';
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { couponPrefix, randomCouponCode, randomCreditReference, type CodeGenerator } from './coupon-code.ts';
import { redemptionView, type Coupon } from './coupon.ts';
import { issueCoupon } from './issue-coupons.ts';
import type { OutboxLog } from './outbox.ts';
import { redeem } from './redeem.ts';

export interface RedeemRequest {
  shop: Shop;
  customerId: string;
  rewardId: string;
  /** The client's `Idempotency-Key`: the same key gives the same coupon (or store credit), once. */
  idempotencyKey?: string;
  now: Date;
}

export type RedemptionView = ReturnType<typeof redemptionView>;

export interface RedeemOptions {
  issuer: DiscountIssuer;
  codes?: CodeGenerator;
  retry?: RetryPolicy;
  /** Where a coupon left pending says why. */
  log?: OutboxLog;
}

export async function redeemReward(store: LoyaltyStore, request: RedeemRequest, options: RedeemOptions): Promise<{ view: RedemptionView; replayed: boolean }> {
  const { shop, customerId, now } = request;
  const key = request.idempotencyKey ? `redeem:${customerId}:${request.idempotencyKey}` : undefined;
  const retry = options.retry ?? defaultRetryPolicy;
  const codes = options.codes ?? randomCouponCode;

  return retryOnConflict(async () => {
    if (key) {
      const earlier = await store.idempotencyResult(shop.shop, key);
      if (earlier) return { view: await currentView(store, shop.shop, earlier as RedemptionView), replayed: true };
    }
    const [member, lots] = await Promise.all([store.getMember(shop.shop, customerId), store.activeLots(shop.shop, customerId)]);
    // A store credit is recorded under a reference of its own; a coupon under its code.
    const credit = shop.program.rewards.find((reward) => reward.id === request.rewardId)?.kind === 'store_credit';
    const code = credit ? randomCreditReference() : codes(couponPrefix(shop.shop, shop.program.coupons.prefix));
    const { change, coupon } = redeem({ shop, customerId, now, code, lots, ...(member ? { member } : {}) }, request.rewardId);
    const view = redemptionView(coupon, change.member!.balance);
    const result = await store.commit({ shop: shop.shop, change, idempotencyKeys: key ? [key] : [], idempotencyResult: view, now });
    // `duplicate`: the same key won a race, and the next attempt answers with its coupon.
    // `conflict`: the balance or the code changed under us; read again.
    if (result !== 'committed') return 'conflict';
    const issued = await issueCoupon(store, options.issuer, coupon, shop, now, options.log);
    return { view: { ...view, status: issued.status }, replayed: false };
  }, retry);
}

/** A replay answers with the coupon (or store credit) as it is now (it may have been issued since). */
async function currentView(store: LoyaltyStore, shop: string, recorded: RedemptionView): Promise<RedemptionView> {
  const coupon: Coupon | undefined = await store.getCoupon(shop, 'creditId' in recorded ? recorded.creditId : recorded.code);
  return coupon ? { ...recorded, status: coupon.status } : recorded;
}
