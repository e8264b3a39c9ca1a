/** The records of referrals (see `referral.ts`), below the core and the store alike. */
import type { FraudReason } from './fraud.ts';

/**
 * `claimed`: the friend has the welcome code (and, with `order`, used it: waiting for the hold);
 * `blocked`: a fraud rule caught it; `completed`: the advocate earned (`points`); `cancelled`: the
 * store owner cancelled it; `void`: the friend's order was cancelled or refunded whole.
 */
export type ReferralStatus = 'claimed' | 'blocked' | 'completed' | 'cancelled' | 'void';
export const REFERRAL_STATUSES: readonly ReferralStatus[] = ['claimed', 'blocked', 'completed', 'cancelled', 'void'];

/** The friend's order that used the welcome code, as the `orders/paid` webhook saw it. */
export interface ReferralOrder {
  orderId: string;
  at: string;
  /** When the referrals job settles it: the order's date plus the hold. */
  dueAt: string;
  customerId?: string;
  email?: string;
  /** The shipping (else customer) name. */
  name?: string;
  /** Hashes of the browser IP and the shipping address (see `originKey`). */
  ipKey?: string;
  addressKey?: string;
  /** The friend's paid orders before this one. */
  priorOrders: number;
}

export interface Referral {
  shop: string;
  /** `{advocateId}.{hash of code and e-mail}`: the advocate's records hold it. */
  id: string;
  code: string;
  advocateId: string;
  /** The e-mail the friend claimed with, as typed (lower case). */
  friendEmail: string;
  /** The friend's customer id when signed in to claim. */
  friendCustomerId?: string;
  /** The friend's welcome discount code. */
  couponCode: string;
  claimedAt: string;
  status: ReferralStatus;
  order?: ReferralOrder;
  reasons?: FraudReason[];
  /** When and by whom it left `claimed`/`blocked` (`job`, or the staff member). */
  settledAt?: string;
  settledBy?: string;
  /** Points the advocate earned. */
  points?: number;
  /** Why it became void. */
  note?: string;
}

/** An advocate's referral code and where it is shared. */
export interface ReferralCode {
  shop: string;
  code: string;
  customerId: string;
  createdAt: string;
}

/** What an order's transaction writes on the referral its welcome code belongs to. */
export interface ReferralOrderWrite {
  advocateId: string;
  referralId: string;
  order: ReferralOrder;
}
