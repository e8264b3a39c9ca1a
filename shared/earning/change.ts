/** What one business event changes, written all together or not at all. */
import type { GuestClaim, LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';
import type { Coupon } from '../rewards/coupon.ts';
import type { Notification } from '../notify/notification.ts';
import type { Feedback } from '../kpis/stats-types.ts';
import type { ReferralOrderWrite } from '../referrals/types.ts';

/** An order used one of our coupons. */
export interface CouponUse {
  code: string;
  orderId: string;
  at: string;
}

export interface Change {
  /** The member's new state; its `rev` is the one read, which the write expects to find. */
  member?: Member;
  order?: Order;
  /** Other orders of the member the change re-rates; each written expecting its `rev` as read. */
  orders?: Order[];
  /** Lots created or changed, in full. */
  lots: Lot[];
  entries: LedgerEntry[];
  /** New coupons: each code must not exist yet. */
  coupons?: Coupon[];
  /** Coupons an order used. */
  couponUses?: CouponUse[];
  /** The balance the member must still have when written (a redemption's cost). */
  memberMinBalance?: number;
  /** Messages to queue with the change (each id once). */
  notifications?: Notification[];
  /** A storefront survey answer. */
  feedback?: Feedback;
  /** Referrals whose welcome code the order used: the order's facts, and due for the referrals job. */
  referralOrders?: ReferralOrderWrite[];
  /** A guest order's points, recorded to wait for an account with its email (see `guest-claims.ts`). */
  guestClaim?: GuestClaim;
  /** Guest claims this change grants its member: each marked claimed, once (a second claim cancels the change). */
  claimedGuestOrders?: GuestClaim[];
}
