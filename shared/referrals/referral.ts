/**
 * A referral: an advocate's code claimed by a friend (with an e-mail), the friend's welcome code,
 * and, once the friend's first order uses that code, the order's facts. The referrals job settles
 * it after the hold: `completed` (the advocate earned), `blocked` (a fraud rule; the store owner
 * approves or cancels), or `void` (the order was cancelled or refunded whole). Pure.
 */
import { createHash, randomInt } from 'node:crypto';
import { addDays } from '../clock.ts';
import type { Program } from '../program/program.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { CODE_ALPHABET } from '../rewards/coupon-code.ts';
import { FIRST_RETRY_DELAY_MS } from '../rewards/redeem.ts';
import { canonicalEmail } from './fraud.ts';
import type { Referral, ReferralCode, ReferralOrder } from './types.ts';

export type { Referral, ReferralCode, ReferralOrder, ReferralStatus } from './types.ts';
export { REFERRAL_STATUSES } from './types.ts';
import { DEFAULT_REFERRAL_SETTINGS, type ReferralSettings } from './settings.ts';

/** 8 characters without look-alikes: 31^8 ≈ 8.5 × 10^11 codes, unique per shop by a conditional write. */
export const REFERRAL_CODE_LENGTH = 8;

export function randomReferralCode(): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Whether a text can be a referral code at all (checked before any read). */
export function looksLikeReferralCode(code: string): boolean {
  return new RegExp(`^[${CODE_ALPHABET}]{${REFERRAL_CODE_LENGTH}}$`).test(code);
}

/** The link a member shares: the store's home page with `?ref=`, where the widget offers the friend's reward. */
export function referralUrl(shop: string, code: string): string {
  return `https://${shop}/?ref=${code}`;
}

/** The program's referral settings, defaults filled. */
export function referralSettings(program: Program): ReferralSettings {
  return program.referrals ?? DEFAULT_REFERRAL_SETTINGS;
}

/** One referral per code and friend (by canonical e-mail): a second claim finds the first. */
export function referralId(advocateId: string, code: string, email: string): string {
  return `${advocateId}.${createHash('sha256').update(`${code}\n${canonicalEmail(email)}`).digest('hex').slice(0, 16)}`;
}

/** The advocate a referral id names. */
export function advocateOf(id: string): string | undefined {
  const match = /^([^.\s]{1,64})\.[0-9a-f]{16}$/.exec(id);
  return match?.[1];
}

/** The key under which one welcome reward per person and shop is recorded: the canonical e-mail, hashed. */
export function friendKey(email: string): string {
  return createHash('sha256').update(canonicalEmail(email)).digest('hex').slice(0, 32);
}

export interface ClaimInput {
  shop: string;
  program: Program;
  currency: string;
  code: ReferralCode;
  email: string;
  friendCustomerId?: string;
  couponCode: string;
  now: Date;
}

/** A claim's referral and the friend's welcome code (single use; for the friend alone when signed in). */
export function newClaim(input: ClaimInput): { referral: Referral; coupon: Coupon } {
  const settings = referralSettings(input.program);
  const reward = settings.friendReward;
  const email = input.email.trim().toLowerCase();
  const id = referralId(input.code.customerId, input.code.code, email);
  const days = reward.validityDays ?? input.program.coupons.validityDays;
  const referral: Referral = {
    shop: input.shop,
    id,
    code: input.code.code,
    advocateId: input.code.customerId,
    friendEmail: email,
    ...(input.friendCustomerId ? { friendCustomerId: input.friendCustomerId } : {}),
    couponCode: input.couponCode,
    claimedAt: input.now.toISOString(),
    status: 'claimed',
  };
  const coupon: Coupon = {
    shop: input.shop,
    code: input.couponCode,
    // A guest has no customer id yet: the code is single use, for whoever orders with it.
    customerId: input.friendCustomerId ?? '',
    rewardId: 'referral-welcome',
    reward: {
      name: reward.name,
      kind: reward.kind,
      ...(reward.value !== undefined ? { value: reward.value } : {}),
      ...(reward.minimumOrder !== undefined ? { minimumOrder: reward.minimumOrder } : {}),
    },
    currency: input.currency,
    points: 0,
    source: 'referral',
    referral: { id, advocateId: input.code.customerId },
    createdAt: input.now.toISOString(),
    expiresAt: addDays(input.now, days).toISOString(),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(input.now.getTime() + FIRST_RETRY_DELAY_MS).toISOString(),
  };
  return { referral, coupon };
}

/** The hold before the advocate is paid: the program's, and never shorter than its return window. */
export function holdDays(program: Program): number {
  return Math.max(referralSettings(program).holdDays, program.pendingDays);
}

/** What the admin and the friend are told about a referral. */
export function referralView(referral: Referral) {
  const { shop: _shop, ...shown } = referral;
  const { ipKey: _ip, addressKey: _address, ...order } = referral.order ?? ({} as Partial<ReferralOrder>);
  return { ...shown, ...(referral.order ? { order } : {}), waiting: referral.status === 'claimed' ? (referral.order ? 'hold' : 'order') : undefined };
}
