/**
 * The loyalty program of one shop: how points are earned, the tiers, expiry, reminders and the
 * rewards catalogue. `parseProgram` fills every default of the contract, so `{}` is the default
 * program; `parseProgramSettings` reads a program its store owner sends whole, and fills nothing.
 */
import * as z from 'zod/mini';
import { ReferralSettingsSchema } from '../referrals/settings.ts';
import { ContentSchema, contentProblems, DescriptionSchema } from './content.ts';
import { LifecycleSettingsSchema } from '../lifecycle/settings.ts';
import { fieldProblem, isPlainObject, programRuleProblems, shapeProblems, type FieldIssue, type ProgramProblem, type RuleParts } from './program-problems.ts';

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(60));

export const TierSchema = z.object({
  name,
  /** Eligible spend in the last 365 days, in whole units of the shop's currency. */
  minSpend: z.number().check(z.gte(0), z.lte(1e12)),
  /** Points multiplier for orders placed while in this tier. */
  multiplier: z.number().check(z.positive(), z.lte(100)),
  /** A reward from the catalogue granted, free and once, when a member reaches this tier. */
  rewardId: z.optional(z.string()),
  /** What the tier gives, for customers, in the program's own language (`content` translates it). */
  description: z.optional(DescriptionSchema),
});

/** Whether a loyalty code may be used together with other discounts of each class. */
export const CombinesWithSchema = z.object({
  orderDiscounts: z.boolean(),
  productDiscounts: z.boolean(),
  shippingDiscounts: z.boolean(),
});

/** Shopify's default: a code combines with nothing. */
export const NO_COMBINATIONS = { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false } as const;

export const RewardSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes')),
  name,
  /** What the reward gives, for customers, in the program's own language (`content` translates it). */
  description: z.optional(DescriptionSchema),
  /**
   * `fixed_amount`, `percentage` and `free_shipping` are discount codes; `store_credit` adds its
   * value to the customer's Shopify store credit account instead.
   */
  kind: z.enum(['fixed_amount', 'percentage', 'free_shipping', 'store_credit']),
  /** Points it costs. */
  cost: z.int().check(z.positive(), z.lte(100_000_000)),
  /**
   * Money off in currency units of the shop for `fixed_amount` (5 or 5.5), percent off for
   * `percentage`, the credit added in currency units of the shop for `store_credit` (10 is 10.00).
   */
  value: z.optional(z.number().check(z.positive(), z.lte(1e9))),
  /** Smallest order subtotal, in whole currency units, the coupon applies to. */
  minimumOrder: z.optional(z.number().check(z.gte(0), z.lte(1e12))),
  /**
   * Days a coupon for this reward stays valid (the program's `coupons.validityDays` when absent);
   * for `store_credit`, days until the credit expires in Shopify (absent: it never expires).
   */
  validityDays: z.optional(z.int().check(z.positive(), z.lte(3650))),
  /**
   * What a code of this reward combines with at checkout (Shopify's `DiscountCombinesWith`);
   * absent, nothing, as in Shopify. Not for `store_credit`, which is not a code.
   */
  combinesWith: z.optional(CombinesWithSchema),
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

/** Days before a lot expires that its member is reminded. */
const reminderDay = z.int().check(z.positive(), z.lte(365));

/** The program's fields, each checked on its own; `ProgramSchema` adds the rules between them. */
const ProgramFields = z.object({
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
    z.object({ daysBefore: z._default(z.array(reminderDay).check(z.maxLength(5)), [30, 7]) }),
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
  /**
   * Orders from before the app was installed (the 365-day history import): they always count
   * toward tiers, spend and the figures; `importedOrdersEarnPoints` also gives them points (off
   * when absent). Optional: a program sent without it keeps the one in force.
   */
  history: z.optional(z.object({ importedOrdersEarnPoints: z.boolean() })),
  /**
   * Lifecycle stages and priority customers (docs/lifecycle.md): when a member is regular, loyal,
   * fading, lost, and valuable. Optional: a program sent without it keeps the one in force.
   */
  lifecycle: z.optional(LifecycleSettingsSchema),
  /**
   * Tier and reward names and descriptions per locale (see content.ts). Optional: a program sent
   * without it keeps the one in force.
   */
  content: z.optional(ContentSchema),
  /** Referrals (docs/referrals.md): off until the store owner sets them up. Optional, like `history`. */
  referrals: z.optional(ReferralSettingsSchema),
  /**
   * Birthday points: granted once a year on the member's birthday (0: off; 200 when absent).
   * Optional: a program sent without it keeps the one in force.
   */
  birthday: z.optional(z.object({ points: z.int().check(z.gte(0), z.lte(1_000_000)) })),
  /**
   * Guest orders: their points wait this many days for a customer account with the same verified
   * email (0: off; 30 when absent). Optional: a program sent without it keeps the one in force.
   */
  guests: z.optional(z.object({ claimDays: z.int().check(z.gte(0), z.lte(365)) })),
});

export const ProgramSchema = ProgramFields.check(
  z.superRefine((program, ctx) => {
    for (const problem of programRuleProblems(program)) ctx.issues.push({ code: 'custom', input: undefined, path: problem.path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key)), message: problem.message });
  }),
);

export type Program = z.output<typeof ProgramSchema>;
export type Tier = z.output<typeof TierSchema>;
export type Reward = z.output<typeof RewardSchema>;
export type CombinesWith = z.output<typeof CombinesWithSchema>;

/** A program that cannot be saved; `problems` lists every problem, each with its field path. */
export class InvalidProgramError extends Error {
  readonly type = 'invalid-program';
  constructor(readonly problems: ProgramProblem[]) {
    super(`The program was not saved and nothing changed: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix, each listed with its field. ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join(' ')}`);
    this.name = 'InvalidProgramError';
  }
}

/**
 * Reads a program, filling the contract's default for every section or setting left out: the
 * service's own programs (the default program, stored programs, tests). A program a store owner
 * sends goes through `parseProgramSettings`, which fills in nothing.
 */
export function parseProgram(input: unknown): Program {
  return checked(input, []);
}

/**
 * Validates a program sent whole by its store owner (`PUT /admin/program`): every section and
 * setting must be there and no other (an empty body or a typo is a problem, never a silent reset
 * to the defaults), each field within its bounds, and the fields consistent with each other.
 * Every problem is listed at once, in words a store owner understands.
 */
export function parseProgramSettings(input: unknown): Program {
  if (!isPlainObject(input)) {
    throw new InvalidProgramError([{ path: '', message: `The program must be a JSON object with every section: ${Object.keys(ProgramFields.shape).join(', ')}.` }]);
  }
  return checked(input, shapeProblems(ProgramFields, input));
}

function checked(input: unknown, shape: ProgramProblem[]): Program {
  const fields = ProgramFields.safeParse(input);
  const problems = [
    ...shape,
    ...(fields.success ? [] : fields.error.issues.map((issue) => fieldProblem(issue as FieldIssue, input))),
    ...programRuleProblems(fields.success ? partsOf(fields.data) : validParts(input)),
    ...contentProblems(input),
  ];
  if (problems.length === 0 && fields.success) return fields.data;
  throw new InvalidProgramError(oneProblemPerPath(problems));
}

function partsOf(program: z.output<typeof ProgramFields>): RuleParts {
  return { tiers: program.tiers, rewards: program.rewards, expiryDays: program.expiry.days, reminderDays: program.reminders.daysBefore, pendingDays: program.pendingDays };
}

/** The parts of an invalid program that are valid on their own, so the rules between them are checked too. */
function validParts(input: unknown): RuleParts {
  const value = isPlainObject(input) ? input : {};
  const valid = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, item: unknown): T | undefined => {
    const result = schema.safeParse(item);
    return result.success ? result.data : undefined;
  };
  const fieldsOf = <S extends Record<string, { safeParse: (v: unknown) => { success: true; data: unknown } | { success: false } }>>(shape: S, item: unknown) => {
    const object = isPlainObject(item) ? item : {};
    type Parsed<T> = T extends { safeParse: (v: unknown) => infer R } ? (R extends { success: true; data: infer D } ? D : never) : never;
    return Object.fromEntries(Object.keys(shape).map((key) => [key, valid(shape[key]!, object[key])])) as { [K in keyof S]?: Parsed<S[K]> };
  };
  const listOf = <T>(key: string, fallback: readonly T[], read: (item: unknown) => T): readonly T[] | undefined => {
    const list = value[key];
    if (list === undefined) return fallback;
    return Array.isArray(list) ? list.map(read) : undefined;
  };
  const fields = ProgramFields.shape;
  const reminders = isPlainObject(value.reminders) ? value.reminders : {};
  const tiers = listOf<NonNullable<RuleParts['tiers']>[number]>('tiers', defaultTiers, (item) => fieldsOf(TierSchema.shape, item));
  const rewards = listOf<NonNullable<RuleParts['rewards']>[number]>('rewards', defaultRewards, (item) => fieldsOf(RewardSchema.shape, item));
  const reminderDays = reminders.daysBefore === undefined ? [30, 7] : Array.isArray(reminders.daysBefore) ? reminders.daysBefore.map((days) => valid(reminderDay, days)) : undefined;
  return {
    ...(tiers ? { tiers } : {}),
    ...(rewards ? { rewards } : {}),
    ...(reminderDays ? { reminderDays } : {}),
    expiryDays: valid(fields.expiry, value.expiry)?.days,
    pendingDays: valid(fields.pendingDays, value.pendingDays),
  };
}

/** The first problem found for a field is the one to fix; the rest would say the same again. */
function oneProblemPerPath(problems: ProgramProblem[]): ProgramProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => !seen.has(problem.path) && seen.add(problem.path));
}

export const defaultProgram: Program = parseProgram({});
