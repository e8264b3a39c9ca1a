/** Shops: known from their first signed request, with the default program. */
import { defaultProgram } from '../program/program.ts';
import type { Shop } from '../store/records.ts';

export function newShop(shop: string, now: Date, currency?: string): Shop {
  return {
    shop,
    program: defaultProgram,
    programVersion: 1,
    ...(currency ? { currency } : {}),
    active: true,
    createdAt: now.toISOString(),
    rev: 0,
  };
}

/** The currency tiers and money are shown in until the shop's first paid order tells it. */
export const FALLBACK_CURRENCY = 'USD';
