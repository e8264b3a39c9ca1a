/**
 * The default program in the shop's own currency. The contract's default counts in whole units
 * (1 point per unit, Silver from 500, 5 off for 500 points): right for dollars, euros and pounds,
 * absurd for yen (5 ¥ off) or forints. Each currency has a scale, a round number close to what one
 * US dollar is worth in it, and the default is that program with every amount of money multiplied
 * by the scale: 1 point per ¥100, Silver from ¥50,000, Gold from ¥150,000, ¥500 off. Points,
 * multipliers, days and percentages stay as they are, so the program is worth the same everywhere:
 * about 1 point per dollar's worth spent, and 500 points about 5 dollars' worth off.
 *
 * The scales are magnitudes, not exchange rates: a merchant sees round numbers of their own
 * currency, and changes anything in the admin. A currency not in the table keeps the contract's
 * default (scale 1), as do those worth about a dollar or more.
 */
import { isDeepStrictEqual } from 'node:util';
import { defaultProgram, parseProgram, type Program } from './program.ts';

/** Units of the currency that stand for one "unit" of the contract's default program. */
const SCALES: Record<string, number> = {
  // Worth about a third to a half of a dollar.
  BGN: 2, GEL: 2, BAM: 2, AZN: 2, FJD: 2, TND: 2, BYN: 2, PGK: 2,
  // About 3.5 to 7 to the dollar.
  AED: 5, SAR: 5, QAR: 5, ILS: 5, PLN: 5, RON: 5, BRL: 5, MYR: 5, PEN: 5, DKK: 5, TTD: 5, BOB: 5,
  // About 7 to 14.
  CNY: 10, HKD: 10, MOP: 10, SEK: 10, NOK: 10, MAD: 10, GTQ: 10, GHS: 10,
  // About 15 to 30.
  MXN: 20, ZAR: 20, CZK: 20, MDL: 20, HNL: 20, ZMW: 20,
  // About 30 to 70.
  TWD: 50, THB: 50, TRY: 50, EGP: 50, PHP: 50, UAH: 50, UYU: 50, DOP: 50, NIO: 50, MUR: 50, MKD: 50,
  // About 70 to 200 (the yen among them: 1 point per ¥100).
  JPY: 100, INR: 100, NPR: 100, RUB: 100, ISK: 100, RSD: 100, KES: 100, BDT: 100, JMD: 100, ALL: 100, DZD: 100,
  // About 200 to 700.
  PKR: 200, LKR: 200, YER: 200, HUF: 500, KZT: 500, XOF: 500, XAF: 500, CRC: 500, AMD: 500,
  // About 700 to 7,000.
  CLP: 1000, KRW: 1000, ARS: 1000, IQD: 1000, NGN: 2000, TZS: 2000, MMK: 2000, UGX: 5000, MNT: 5000, KHR: 5000, MGA: 5000, COP: 5000,
  // About 7,000 and more: at most 10,000, as the earning rate keeps four decimals (0.0001 a unit).
  PYG: 10000, UZS: 10000, IDR: 10000, VND: 10000, LAK: 10000, IRR: 10000, LBP: 10000,
};

/** The scale of `currency`: 1 for the contract's own currencies and any the table does not know. */
export function currencyScale(currency: string): number {
  return SCALES[currency.toUpperCase()] ?? 1;
}

/** Money in a reward's name, the way an English speaker writes it: `¥500`, `HUF 2,500`. */
function amountText(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/**
 * The default program for a shop counting in `currency`: the contract's default itself where the
 * scale is 1, else that program with its money scaled (the earning rate, tier thresholds, and the
 * fixed amount and store credit rewards, whose names then say the amount and its currency).
 */
export function defaultProgramFor(currency: string): Program {
  const scale = currencyScale(currency);
  if (scale === 1) return defaultProgram;
  return parseProgram({
    ...defaultProgram,
    earning: { ...defaultProgram.earning, pointsPerUnit: defaultProgram.earning.pointsPerUnit / scale },
    tiers: defaultProgram.tiers.map((tier) => ({ ...tier, minSpend: tier.minSpend * scale })),
    rewards: defaultProgram.rewards.map((reward) => {
      if (reward.kind !== 'fixed_amount' && reward.kind !== 'store_credit') return reward;
      const value = (reward.value ?? 0) * scale;
      return { ...reward, value, ...(reward.kind === 'fixed_amount' ? { name: `${amountText(value, currency)} off your order` } : {}) };
    }),
  });
}

/** A shop's program, as far as the currency defaults need it. */
export interface ProgramInForce {
  program: Program;
  programVersion: number;
}

/**
 * The program a shop counts with once its currency is known: the default for that currency when
 * the shop still has the default the service gave it (version 1, never saved by its owner, equal
 * to the contract's default), else its own program, untouched. A program a store owner saved is
 * never replaced.
 */
export function programForCurrency(shop: ProgramInForce, currency: string): Program {
  if (shop.programVersion !== 1 || currencyScale(currency) === 1) return shop.program;
  let program: Program;
  try {
    program = parseProgram(shop.program);
  } catch {
    return shop.program;
  }
  return isDeepStrictEqual(program, defaultProgram) ? defaultProgramFor(currency) : shop.program;
}
