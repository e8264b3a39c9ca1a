/**
 * A win-back reward the store owner grants from the priority list: a reward of the catalogue, free,
 * to a fading or lost member, as a coupon created in Shopify by the coupon outbox (like a tier's
 * reward). Once per lapse: a member gets one until they order again. Pure.
 */
import type { Change } from '../earning/change.ts';
import type { Member } from '../ledger/types.ts';
import type { Reward } from '../program/program.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { newCoupon, type CouponIssuerShop } from '../rewards/redeem.ts';

/** Why a member got no reward: not a member, still buying on their rhythm, or given one for this lapse already. */
export type WinbackSkip = 'not-a-member' | 'not-fading' | 'already-granted';

export function winbackGrant(shop: CouponIssuerShop, member: Member | undefined, reward: Reward, code: string, now: Date): { change: Change; coupon: Coupon } | { skipped: WinbackSkip } {
  if (!member) return { skipped: 'not-a-member' };
  if (member.stage !== 'fading' && member.stage !== 'lost') return { skipped: 'not-fading' };
  if (member.winbackReward && member.winbackReward.lastOrderAt === member.lastOrderAt) return { skipped: 'already-granted' };
  const coupon = newCoupon(shop, member.customerId, reward, code, now, 'winback');
  const next: Member = { ...member, winbackReward: { code: coupon.code, at: now.toISOString(), lastOrderAt: member.lastOrderAt ?? '' } };
  return { change: { member: next, lots: [], entries: [], coupons: [coupon] }, coupon };
}
