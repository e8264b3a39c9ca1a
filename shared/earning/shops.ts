/** Shops: known from their first signed request, with the default program. */
import { defaultProgramFor } from '../program/currency-defaults.ts';
import { defaultProgram } from '../program/program.ts';
import type { Shop } from '../store/records.ts';

export function newShop(shop: string, now: Date, currency?: string): Shop {
  return {
    shop,
    // A shop whose first word is an order gets the default in that order's currency.
    program: currency ? defaultProgramFor(currency) : defaultProgram,
    programVersion: 1,
    ...(currency ? { currency } : {}),
    active: true,
    createdAt: now.toISOString(),
    rev: 0,
  };
}

/** The currency tiers and money are shown in until the shop's first paid order tells it. */
export const FALLBACK_CURRENCY = 'USD';
