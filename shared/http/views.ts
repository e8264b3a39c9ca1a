/** What the storefront is shown: the public program and a member's standing. */
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { settleExpired } from '../ledger/expiry.ts';
import { lotStandings } from '../ledger/lots.ts';
import { latest, spendUpTo } from '../ledger/spend.ts';
import type { Lot, Member } from '../ledger/types.ts';
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';
import { localizedProgram } from '../program/content.ts';
import type { Program, Reward } from '../program/program.ts';
import { nextTierAfter, tierForSpend } from '../program/tiers.ts';
import type { Shop } from '../store/ports.ts';
import { birthdayPoints, birthdayView } from '../birthdays/birthday.ts';
import { guestClaimDays } from '../earning/guest-claims.ts';

function rewardView(reward: Reward, program: Program) {
  return { ...reward, validityDays: reward.validityDays ?? program.coupons.validityDays };
}

/**
 * The public program in the customer's language: `locales` are the ones asked for, most wanted
 * first (none: the program's own language); `locale` says which one the names are in.
 */
export function publicProgram(shop: Shop, locales: readonly string[] = []) {
  const { program, locale, programName } = localizedProgram(shop.program, locales);
  const currency = shop.currency ?? FALLBACK_CURRENCY;
  return {
    locale,
    ...(programName ? { programName } : {}),
    currency,
    earning: { pointsPerUnit: program.earning.pointsPerUnit },
    signupBonus: program.signupBonus,
    tiers: program.tiers.map((tier) => ({
      name: tier.name,
      ...(tier.description ? { description: tier.description } : {}),
      minSpend: formatMinorUnits(toMinorUnits(tier.minSpend, currency), currency),
      multiplier: tier.multiplier,
    })),
    expiry: { days: program.expiry.days },
    rewards: program.rewards.map((reward) => rewardView(reward, program)),
    // Birthday points (0: off) and how long a guest order's points wait for an account (0: off).
    birthday: { points: birthdayPoints(program) },
    guests: { claimDays: guestClaimDays(program) },
  };
}

export function memberView(shop: Shop, customerId: string, member: Member | undefined, lots: Lot[], now: Date, locales: readonly string[] = []) {
  const { program, locale } = localizedProgram(shop.program, locales);
  const currency = shop.currency ?? FALLBACK_CURRENCY;
  // The window ends now, or at the member's latest order where that is later (a clock set back).
  const spend = member ? spendUpTo(member.spendByOrder, latest(member.tierAsOf, now.toISOString())) : 0;
  const tier = tierForSpend(program, spend, currency);
  // Points past their date are not spendable, even before the expire job settles them.
  const balance = (member && settleExpired(member, lots, now)?.member?.balance) ?? member?.balance ?? 0;
  return {
    customerId,
    locale,
    enrolled: member !== undefined,
    currency,
    balance,
    pending: member?.pending ?? 0,
    tier: tier.name,
    ...(tier.description ? { tierDescription: tier.description } : {}),
    tierMultiplier: tier.multiplier,
    tierSpend: formatMinorUnits(spend, currency),
    nextTier: nextTierAfter(program, spend, currency),
    expiring: lotStandings(lots, member?.consumed ?? 0)
      .filter(({ lot, remaining }) => remaining > 0 && lot.expiresAt > now.toISOString())
      .map(({ lot, remaining }) => ({ points: remaining, expiresAt: lot.expiresAt })),
    rewards: program.rewards.map((reward) => ({ ...rewardView(reward, program), affordable: balance >= reward.cost })),
    // Birthday points a year (0: off), and the member's birthday once given.
    birthdayPoints: birthdayPoints(program),
    ...(member?.birthday ? { birthday: birthdayView(member.birthday) } : {}),
  };
}
