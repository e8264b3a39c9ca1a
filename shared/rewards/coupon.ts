/** A coupon: points turned into a single-use Shopify discount code for one customer. */
import type { Reward } from '../program/program.ts';

/**
 * `pending`: recorded, not yet created in Shopify (the outbox retries it); `issued`: the
 * discount exists in Shopify; `used`: an order used it; `failed`: Shopify refused it for good and
 * the points went back to the member.
 */
export type CouponStatus = 'pending' | 'issued' | 'used' | 'failed';

export interface Coupon {
  shop: string;
  code: string;
  customerId: string;
  rewardId: string;
  /** The reward as it was when redeemed: later program changes do not alter a coupon. */
  reward: Pick<Reward, 'name' | 'kind' | 'value' | 'minimumOrder'>;
  currency: string;
  /** Points paid for it (0 for a tier reward). */
  points: number;
  source: 'redemption' | 'tier';
  createdAt: string;
  expiresAt: string;
  status: CouponStatus;
  /** Tries to create it in Shopify so far, and when the outbox should try next. */
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
  /**
   * An earlier try may have created the discount in Shopify (its answer was lost, or Shopify said
   * the code was taken and did not show it). Such a coupon is issued or stays pending, never refunded.
   */
  mayExistInShopify?: true;
  shopifyDiscountId?: string;
  usedAt?: string;
  usedOrderId?: string;
}

/** What the storefront is told about a coupon. */
export function couponView(coupon: Coupon, balance: number) {
  return {
    code: coupon.code,
    rewardId: coupon.rewardId,
    reward: coupon.reward,
    expiresAt: coupon.expiresAt,
    status: coupon.status,
    balance,
  };
}
