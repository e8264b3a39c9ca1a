/** The port of referrals: codes, claims, the friend's order, settlement and the admin's list. */
import type { LedgerEntry, Lot, Member } from '../../ledger/types.ts';
import type { Coupon } from '../../rewards/coupon.ts';
import type { Referral, ReferralCode, ReferralStatus } from '../../referrals/types.ts';
import type { Page } from './page.ts';

/** A referral in the due index: its order is in, its hold over by the time asked. */
export interface DueReferral {
  shop: string;
  advocateId: string;
  id: string;
}

/** What a friend's e-mail already claimed in the shop. */
export interface FriendClaim {
  referralId: string;
  advocateId: string;
  couponCode: string;
}

/** The advocate's points for a completed referral, written with its status. */
export interface ReferralCredit {
  member: Member;
  lot: Lot;
  entry: LedgerEntry;
}

export type ClaimResult = 'saved' | 'coupon-code-taken' | { claimedBefore: FriendClaim };

export interface ReferralStore {
  /** The advocate's code, if one was made. */
  advocateCode(shop: string, customerId: string): Promise<ReferralCode | undefined>;
  /** Records a new code: `code-taken` when another advocate has it, `has-code` when this one got one meanwhile. */
  createAdvocateCode(code: ReferralCode): Promise<'created' | 'code-taken' | 'has-code'>;
  /** The code's advocate. */
  findCode(shop: string, code: string): Promise<ReferralCode | undefined>;
  /** The referral, the friend's welcome coupon and the friend's one claim, all or nothing. */
  saveClaim(referral: Referral, coupon: Coupon, friendKey: string): Promise<ClaimResult>;
  friendClaim(shop: string, friendKey: string): Promise<FriendClaim | undefined>;
  getReferral(shop: string, advocateId: string, id: string): Promise<Referral | undefined>;
  /** Every referral of an advocate (one partition query): the fraud rules' week. */
  advocateReferrals(shop: string, advocateId: string): Promise<Referral[]>;
  /** The shop's referrals, newest first, by status if given. */
  listReferrals(shop: string, query: { status?: ReferralStatus; limit: number; cursor?: string }): Promise<Page<Referral>>;
  /** Referrals due by `before` (their hold over), a page at a time, across shops. */
  dueReferralPages(before: string, pageSize?: number): AsyncGenerator<DueReferral[]>;
  /** Takes a referral out of the due index (it was settled, or is not one to settle). */
  dropDueReferral(due: DueReferral): Promise<void>;
  /**
   * Saves the referral's new state if it is still `expected`, with the advocate's points when
   * given (member at its revision, a lot and an entry written once): `stale` when the status
   * moved on, `conflict` when the member changed (read again).
   */
  settleReferral(next: Referral, expected: ReferralStatus, credit?: ReferralCredit): Promise<'saved' | 'stale' | 'conflict'>;
}
