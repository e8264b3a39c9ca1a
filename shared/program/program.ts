/**
 * The loyalty program of one shop: how points are earned, the tiers, expiry, reminders and the
 * rewards catalogue. `parseProgram` fills every default of the contract, so `{}` is the default
 * program.
 */
import * as z from 'zod/mini';

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(60));

export const TierSchema = z.object({
  name,
  /** Eligible spend in the last 365 days, in whole units of the shop's currency. */
  minSpend: z.number().check(z.gte(0), z.lte(1e12)),
  /** Points multiplier for orders placed while in this tier. */
  multiplier: z.number().check(z.gte(0), z.lte(100)),
  /** A reward from the catalogue granted, free and once, when a member reaches this tier. */
  rewardId: z.optional(z.string()),
});

export const RewardSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes')),
  name,
  kind: z.enum(['fixed_amount', 'percentage', 'free_shipping']),
  /** Points it costs. */
  cost: z.int().check(z.positive(), z.lte(100_000_000)),
  /** Money off in whole currency units for `fixed_amount`, percent off for `percentage`. */
  value: z.optional(z.number().check(z.positive(), z.lte(1e9))),
  /** Smallest order subtotal, in whole currency units, the coupon applies to. */
  minimumOrder: z.optional(z.number().check(z.gte(0), z.lte(1e12))),
  /** Days a coupon for this reward stays valid. */
  validityDays: z.optional(z.int().check(z.positive(), z.lte(3650))),
});

export const defaultTiers = [
  { name: 'Bronze', minSpend: 0, multiplier: 1 },
  { name: 'Silver', minSpend: 500, multiplier: 1.25 },
  { name: 'Gold', minSpend: 1500, multiplier: 1.5 },
];

export const defaultRewards = [
  { id: 'five-off', name: '5 off your order', kind: 'fixed_amount' as const, cost: 500, value: 5 },
  { id: 'ten-percent-off', name: '10% off your order', kind: 'percentage' as const, cost: 1000, value: 10 },
  { id: 'free-shipping', name: 'Free shipping', kind: 'free_shipping' as const, cost: 300 },
];

export const ProgramSchema = z
  .object({
    earning: z._default(
      z.object({
        /** Points per one whole unit of the shop's currency of eligible spend. */
        pointsPerUnit: z._default(z.number().check(z.positive(), z.lte(1000)), 1),
      }),
      { pointsPerUnit: 1 },
    ),
    signupBonus: z._default(z.int().check(z.gte(0), z.lte(1_000_000)), 100),
    tiers: z._default(z.array(TierSchema).check(z.minLength(1), z.maxLength(10)), defaultTiers),
    expiry: z._default(z.object({ days: z._default(z.int().check(z.positive(), z.lte(3650)), 365) }), { days: 365 }),
    reminders: z._default(
      z.object({ daysBefore: z._default(z.array(z.int().check(z.positive(), z.lte(365))).check(z.maxLength(5)), [30, 7]) }),
      { daysBefore: [30, 7] },
    ),
    rewards: z._default(z.array(RewardSchema).check(z.maxLength(50)), defaultRewards),
    coupons: z._default(
      z.object({
        validityDays: z._default(z.int().check(z.positive(), z.lte(3650)), 90),
        /** Codes start with it (`DEMO-7KQ2XH9PRA`); by default, letters of the shop's name. */
        prefix: z.optional(z.string().check(z.regex(/^[A-HJKMNP-Z2-9]{1,8}$/, 'up to 8 of A-Z and 2-9, without I, L, O'))),
      }),
      { validityDays: 90 },
    ),
    /** Days earned points stay pending (a return window) before they can be spent; 0 for none. */
    pendingDays: z._default(z.int().check(z.gte(0), z.lte(365)), 0),
    /**
     * Fading loyalty: a member with at least `minOrders` orders is flagged (and sent one win-back
     * message) when the time since the last order passes `factor` times their usual interval.
     */
    winback: z._default(
      z.object({
        factor: z._default(z.number().check(z.gte(1), z.lte(10)), 2),
        minOrders: z._default(z.int().check(z.gte(2), z.lte(100)), 2),
      }),
      { factor: 2, minOrders: 2 },
    ),
  })
  .check(
    z.superRefine((program, ctx) => {
      const tiers = program.tiers;
      if (tiers[0] && tiers[0].minSpend !== 0) {
        ctx.issues.push({ code: 'custom', input: tiers[0].minSpend, path: ['tiers', 0, 'minSpend'], message: 'the first tier starts at 0' });
      }
      tiers.forEach((tier, i) => {
        const before = tiers[i - 1];
        if (before && tier.minSpend <= before.minSpend) {
          ctx.issues.push({ code: 'custom', input: tier.minSpend, path: ['tiers', i, 'minSpend'], message: 'tiers rise in minSpend' });
        }
        if (tier.rewardId !== undefined && !program.rewards.some((reward) => reward.id === tier.rewardId)) {
          ctx.issues.push({ code: 'custom', input: tier.rewardId, path: ['tiers', i, 'rewardId'], message: 'not a reward of the catalogue' });
        }
        if (tiers.findIndex((t) => t.name === tier.name) !== i) {
          ctx.issues.push({ code: 'custom', input: tier.name, path: ['tiers', i, 'name'], message: 'tier names are unique' });
        }
      });
      program.rewards.forEach((reward, i) => {
        if (program.rewards.findIndex((r) => r.id === reward.id) !== i) {
          ctx.issues.push({ code: 'custom', input: reward.id, path: ['rewards', i, 'id'], message: 'reward ids are unique' });
        }
        if (reward.kind !== 'free_shipping' && reward.value === undefined) {
          ctx.issues.push({ code: 'custom', input: reward, path: ['rewards', i, 'value'], message: `a ${reward.kind} reward needs a value` });
        }
        if (reward.kind === 'percentage' && (reward.value ?? 0) > 100) {
          ctx.issues.push({ code: 'custom', input: reward.value, path: ['rewards', i, 'value'], message: 'at most 100 percent' });
        }
      });
    }),
  );

export type Program = z.output<typeof ProgramSchema>;
export type Tier = z.output<typeof TierSchema>;
export type Reward = z.output<typeof RewardSchema>;

export class InvalidProgramError extends Error {
  readonly type = 'invalid-program';
  constructor(readonly problems: { path: string; message: string }[]) {
    super(`invalid program: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidProgramError';
  }
}

/** Validates a whole program at once; every problem is listed with its field path. */
export function parseProgram(input: unknown): Program {
  const result = ProgramSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidProgramError(
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}

export const defaultProgram: Program = parseProgram({});
