/**
 * The program's `lifecycle` section: when a member counts as new, regular, loyal, fading or lost,
 * and from what yearly spend a member counts as valuable (the priority lists). Optional in the
 * program, like `history`: absent, `lifecycleSettingsOf` gives the defaults. (Only zod here, so
 * `program.ts` can import it and this folder can import the program.)
 */
import * as z from 'zod/mini';

export const LifecycleSettingsSchema = z.object({
  /** Orders (paid, not cancelled) from which a member is regular. */
  regularOrders: z.int().check(z.gte(2), z.lte(100)),
  /** Orders from which a member is loyal (more than `regularOrders`). */
  loyalOrders: z.int().check(z.gte(3), z.lte(1000)),
  /** A repeat customer is fading once the time since their last order passes this many times their usual interval. */
  fadingFactor: z.number().check(z.gte(1), z.lte(10)),
  /** … and lost past this many times their usual interval (more than `fadingFactor`). */
  lostFactor: z.number().check(z.gte(1.5), z.lte(20)),
  /** A one-order customer is fading this many days after that order. */
  firstOrderFadingDays: z.int().check(z.gte(1), z.lte(3650)),
  /** Any customer is lost this many days after their last order, whatever their rhythm (more than `firstOrderFadingDays`). */
  lostDays: z.int().check(z.gte(2), z.lte(3650)),
  /** Spend in the year up to their last order, in whole units of the shop's currency, from which a member counts as valuable. */
  valuableSpend: z.number().check(z.gte(0), z.lte(1e12)),
}).check(
  z.refine((s) => s.loyalOrders > s.regularOrders, { message: 'Orders to be loyal must be more than orders to be regular.', path: ['loyalOrders'] }),
  z.refine((s) => s.lostFactor > s.fadingFactor, { message: 'The lost factor must be more than the fading factor.', path: ['lostFactor'] }),
  z.refine((s) => s.lostDays > s.firstOrderFadingDays, { message: 'Days to be lost must be more than days for a one-order customer to be fading.', path: ['lostDays'] }),
);

export type LifecycleSettings = z.output<typeof LifecycleSettingsSchema>;

/** The defaults' inputs from the rest of the program: win-back's factor, the second tier's threshold. */
export interface LifecycleDefaultsFrom {
  winback: { factor: number };
  tiers: readonly { minSpend: number }[];
}

/**
 * The settings in force: the section, else the defaults. Fading follows win-back's factor (so the
 * win-back message and the stage agree); valuable starts at the second tier's spend.
 */
export function lifecycleSettingsOf(program: LifecycleDefaultsFrom & { lifecycle?: LifecycleSettings }): LifecycleSettings {
  if (program.lifecycle) return program.lifecycle;
  const fadingFactor = program.winback.factor;
  return {
    regularOrders: 2,
    loyalOrders: 4,
    fadingFactor,
    lostFactor: Math.max(4, Math.min(20, 2 * fadingFactor)),
    firstOrderFadingDays: 90,
    lostDays: 365,
    valuableSpend: program.tiers[1]?.minSpend ?? 0,
  };
}
