/**
 * A coupon: points turned into a single-use Shopify discount code for one customer. A store credit
 * reward is recorded the same way (the same outbox creates it in Shopify, the same refund gives its
 * points back): `reward.kind` is `store_credit` and `code` is the credit's own reference
 * (`credit-…`, lower case, so it is never taken for a discount code on an order).
 */
import type { Reward } from '../program/program.ts';
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';

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
  reward: Pick<Reward, 'name' | 'kind' | 'value' | 'minimumOrder' | 'combinesWith'>;
  currency: string;
  /** Points paid for it (0 for a tier reward). */
  points: number;
  source: 'redemption' | 'tier' | 'referral' | 'winback';
  /** A referral's welcome code for the friend: which referral, whose advocate (docs/referrals.md). */
  referral?: { id: string; advocateId: string };
  createdAt: string;
  /** When the code (or the store credit) expires; a store credit reward without validity never does. */
  expiresAt?: string;
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

/** What the storefront is told about a store credit reward: the value added, and whether Shopify has it yet. */
export function storeCreditView(credit: Coupon, balance: number) {
  return {
    creditId: credit.code,
    rewardId: credit.rewardId,
    kind: 'store_credit' as const,
    reward: credit.reward,
    value: storeCreditAmount(credit.reward.value ?? 0, credit.currency),
    currency: credit.currency,
    ...(credit.expiresAt ? { expiresAt: credit.expiresAt } : {}),
    status: credit.status,
    balance,
  };
}

/** What the storefront is told about a redemption: a coupon's code, or a store credit's value. */
export function redemptionView(coupon: Coupon, balance: number) {
  return coupon.reward.kind === 'store_credit' ? storeCreditView(coupon, balance) : couponView(coupon, balance);
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

/** A store credit reward's value as Shopify writes money: `10` in EUR is `"10.00"`, in JPY `"10"`. */
export function storeCreditAmount(value: number, currency: string): string {
  return formatMinorUnits(toMinorUnits(value, currency), currency);
}
