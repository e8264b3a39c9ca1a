/** The port of coupons: read, saved on the status read, and refunded when Shopify refuses one. */
import type { LedgerEntry, Lot } from '../../ledger/types.ts';
import type { Coupon, CouponStatus } from '../../rewards/coupon.ts';

export interface CouponStore {
  getCoupon(shop: string, code: string): Promise<Coupon | undefined>;
  getCoupons(shop: string, codes: string[]): Promise<Coupon[]>;
  /**
   * Saves a coupon's new state if it is still in `expected` status (and, given `expectedAttempts`,
   * still at that many attempts: a claim only one runner wins); false when it was not.
   */
  saveCoupon(coupon: Coupon, expected: CouponStatus, expectedAttempts?: number): Promise<boolean>;
  /**
   * Shopify refused a coupon for good: it becomes `failed` and its points come back to the member
   * as a new lot, all in one transaction. False when the coupon was no longer pending.
   */
  refundCoupon(coupon: Coupon, refund: { lot: Lot; entry: LedgerEntry }): Promise<boolean>;
}
