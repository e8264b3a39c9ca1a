/**
 * Program settings: a new program replaces the old one whole, as a new version. What was earned
 * under earlier versions keeps its terms (points, multipliers and expiry dates are fixed on the
 * orders and lots when earned; coupons keep their reward). Every change leaves an audit record:
 * who, when, what.
 */
import { parseProgram, type Program } from '../program/program.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { newShop } from '../earning/shops.ts';

export interface ProgramChange {
  version: number;
  changedAt: string;
  changedBy: string;
  program: Program;
  previous: Program;
}

export async function updateProgram(store: LoyaltyStore, input: { shop: string; program: unknown; userId: string; now: Date }): Promise<Shop> {
  // Validated whole, before anything is read: 422 with every problem listed.
  const program = parseProgram(input.program);
  return retryOnConflict(async () => {
    const current = (await store.getShop(input.shop)) ?? newShop(input.shop, input.now);
    // Opening the app's admin means it is installed: an uninstalled shop becomes active again.
    const next: Shop = { ...current, program, programVersion: current.programVersion + 1, active: true };
    const change: ProgramChange = { version: next.programVersion, changedAt: input.now.toISOString(), changedBy: input.userId, program, previous: current.program };
    return (await store.saveProgram(current, next, change)) ? next : 'conflict';
  });
}
