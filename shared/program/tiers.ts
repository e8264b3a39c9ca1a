/** Tiers from eligible spend: the highest tier whose threshold the spend reaches. */
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';
import type { Program, Tier } from './program.ts';

export function tierForSpend(program: Program, spendMinor: number, currency: string): Tier {
  let reached = program.tiers[0]!;
  for (const tier of program.tiers) {
    if (spendMinor >= toMinorUnits(tier.minSpend, currency)) reached = tier;
  }
  return reached;
}

export interface NextTier {
  name: string;
  multiplier: number;
  /** The tier's threshold, as a money string in the shop's currency. */
  minSpend: string;
  /** Eligible spend still needed within the window, as a money string. */
  remaining: string;
  currency: string;
}

export function nextTierAfter(program: Program, spendMinor: number, currency: string): NextTier | null {
  const next = program.tiers.find((tier) => toMinorUnits(tier.minSpend, currency) > spendMinor);
  if (!next) return null;
  const threshold = toMinorUnits(next.minSpend, currency);
  return {
    name: next.name,
    multiplier: next.multiplier,
    minSpend: formatMinorUnits(threshold, currency),
    remaining: formatMinorUnits(threshold - spendMinor, currency),
    currency,
  };
}
