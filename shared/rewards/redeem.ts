/**
 * Redemption, pure: the balance pays the reward's cost (taken from the lots oldest first through
 * `consumed`), a coupon is recorded as pending, and the ledger says so.
 */
import { addDays } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { settleExpired } from '../ledger/expiry.ts';
import { withActivity } from '../earning/members.ts';
import type { Lot, Member } from '../ledger/types.ts';
import type { Program, Reward } from '../program/program.ts';
import type { Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { InsufficientPointsError, ProgramInactiveError, UnknownRewardError } from './errors.ts';

/** The first outbox try waits this long, so it does not race the redemption's own attempt. */
export const FIRST_RETRY_DELAY_MS = 60_000;

export interface RedeemContext {
  shop: Shop;
  customerId: string;
  member?: Member;
  /** The member's lots that still count: those past their date expire before the redemption. */
  lots?: readonly Lot[];
  now: Date;
  code: string;
}

export interface CouponIssuerShop {
  shop: string;
  program: Program;
  currency?: string;
}

export function newCoupon(shop: CouponIssuerShop, customerId: string, reward: Reward, code: string, now: Date, source: Coupon['source']): Coupon {
  // A store credit expires only when its reward says so; a code always does.
  const days = reward.kind === 'store_credit' ? reward.validityDays : (reward.validityDays ?? shop.program.coupons.validityDays);
  return {
    shop: shop.shop,
    code,
    customerId,
    rewardId: reward.id,
    reward: {
      name: reward.name,
      kind: reward.kind,
      ...(reward.value !== undefined ? { value: reward.value } : {}),
      ...(reward.minimumOrder !== undefined ? { minimumOrder: reward.minimumOrder } : {}),
      ...(reward.combinesWith !== undefined ? { combinesWith: reward.combinesWith } : {}),
    },
    currency: shop.currency ?? FALLBACK_CURRENCY,
    points: source === 'redemption' ? reward.cost : 0,
    source,
    createdAt: now.toISOString(),
    ...(days !== undefined ? { expiresAt: addDays(now, days).toISOString() } : {}),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(now.getTime() + FIRST_RETRY_DELAY_MS).toISOString(),
  };
}

export function redeem(ctx: RedeemContext, rewardId: string): { change: Change; coupon: Coupon } {
  if (!ctx.shop.active) throw new ProgramInactiveError();
  const reward = ctx.shop.program.rewards.find((candidate) => candidate.id === rewardId);
  if (!reward) throw new UnknownRewardError(rewardId);
  // Points past their date are never spent, even before the expire job reached them: they expire
  // here first, in the same transaction as the redemption.
  const expiry = ctx.member && ctx.lots ? settleExpired(ctx.member, ctx.lots, ctx.now) : null;
  const member = expiry?.member ?? ctx.member;
  // A negative balance (points reversed after they were spent) covers nothing.
  if (!member || member.balance < reward.cost) throw new InsufficientPointsError(member?.balance ?? 0, reward.cost);

  const coupon = newCoupon(ctx.shop, ctx.customerId, reward, ctx.code, ctx.now, 'redemption');
  const next: Member = {
    ...withActivity(member, ctx.now.toISOString()),
    balance: member.balance - reward.cost,
    consumed: member.consumed + reward.cost,
    firstRedeemedAt: member.firstRedeemedAt ?? ctx.now.toISOString(),
  };
  return {
    coupon,
    change: {
      member: next,
      lots: expiry?.lots ?? [],
      entries: [
        ...(expiry?.entries ?? []),
        {
          id: `redeem:${coupon.code}`,
          type: 'redeem',
          points: -reward.cost,
          occurredAt: ctx.now.toISOString(),
          recordedAt: ctx.now.toISOString(),
          balanceAfter: next.balance,
          reason: reward.id,
          couponCode: coupon.code,
        },
      ],
      coupons: [coupon],
      // The stored balance still holds the points that expire with it.
      memberMinBalance: reward.cost + (ctx.member!.balance - member.balance),
    },
  };
}
