/**
 * The program's `referrals` section: what an advocate earns, what the friend gets, how long the
 * order waits before the advocate is paid, and how many referrals of one advocate may share an
 * address or browser IP in a week. Optional in the program, like `history`: off until set.
 * (Only zod here, so `program.ts` can import it and this folder can import the program.)
 */
import * as z from 'zod/mini';

export const FriendRewardSchema = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(60)),
    /** A discount code for the friend's first order. */
    kind: z.enum(['fixed_amount', 'percentage', 'free_shipping']),
    /** Money off in units of the shop's currency (`fixed_amount`), percent off (`percentage`). */
    value: z.optional(z.number().check(z.positive(), z.lte(1e9))),
    /** Smallest order subtotal, in whole currency units, the code applies to. */
    minimumOrder: z.optional(z.number().check(z.gte(0), z.lte(1e12))),
    /** Days the friend's code stays valid (the program's `coupons.validityDays` when absent). */
    validityDays: z.optional(z.int().check(z.positive(), z.lte(3650))),
  })
  .check(
    z.refine((reward) => reward.kind === 'free_shipping' || reward.value !== undefined, { message: 'a fixed amount or percentage needs a value', path: ['value'] }),
    z.refine((reward) => reward.kind !== 'percentage' || (reward.value ?? 0) <= 100, { message: 'a percentage is at most 100', path: ['value'] }),
  );

export const ReferralSettingsSchema = z.object({
  /** Members get a link and code, friends can claim, the job pays advocates. */
  enabled: z.boolean(),
  /** Points the advocate earns once the friend's first order is paid and past the hold. */
  advocatePoints: z.int().check(z.gte(0), z.lte(1_000_000)),
  friendReward: FriendRewardSchema,
  /** Days after the friend's order before the advocate is paid (at least the program's `pendingDays`). */
  holdDays: z.int().check(z.gte(0), z.lte(365)),
  /**
   * From this many referrals of one advocate with the same shipping address or browser IP within
   * seven days, each of them is blocked for the store owner to look at.
   */
  sameOriginLimit: z.int().check(z.gte(2), z.lte(100)),
});

export type ReferralSettings = z.output<typeof ReferralSettingsSchema>;
export type FriendReward = z.output<typeof FriendRewardSchema>;

/** What a program without the section reads as: referrals off, ready to switch on. */
export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = {
  enabled: false,
  advocatePoints: 500,
  friendReward: { name: '5 off your first order', kind: 'fixed_amount', value: 5 },
  holdDays: 14,
  sameOriginLimit: 3,
};
