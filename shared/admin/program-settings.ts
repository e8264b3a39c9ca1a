/**
 * Program settings: a new program replaces the old one whole, as a new version. What was earned
 * under earlier versions keeps its terms (points, multipliers and expiry dates are fixed on the
 * orders and lots when earned; coupons keep their reward). Every change leaves an audit record:
 * who, when, what.
 */
import { DEFAULT_REFERRAL_SETTINGS } from '../referrals/settings.ts';
import { isDeepStrictEqual } from 'node:util';
import { InvalidProgramError, parseProgram, parseProgramSettings, type Program } from '../program/program.ts';
import { isPlainObject, type ProgramProblem } from '../program/program-problems.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import type { ProgramChange, Shop } from '../store/records.ts';
import { retryOnConflict } from '../store/retry.ts';
import { newShop } from '../earning/shops.ts';
import { lifecycleSettingsOf } from '../lifecycle/settings.ts';
import { contentKeptFor, noContent } from '../program/content.ts';
import { DEFAULT_BIRTHDAY_POINTS } from '../birthdays/birthday.ts';
import { DEFAULT_GUEST_CLAIM_DAYS } from '../earning/guest-claims.ts';

export type { ProgramChange } from '../store/records.ts';

/** What `GET /admin/program` answers, and what a `PUT` may send back unchanged. */
export interface ProgramSettingsView {
  version: number;
  active: boolean;
  /** The shop's currency once known (its first order, or its history), which the program's money is in; read-only. */
  currency: string | null;
  program: Program;
}

/** The keys of `GET /admin/program`'s answer that a `PUT` may carry back and that are not the store owner's to set. */
const READ_ONLY_KEYS = ['version', 'active', 'currency'] as const;

export function programSettingsView(shop: Shop): ProgramSettingsView {
  return { version: shop.programVersion, active: shop.active, currency: shop.currency ?? null, program: currentProgram(shop) };
}

/**
 * The program a `PUT /admin/program` body holds. Two shapes are accepted: the program itself
 * (`{"earning": …, "tiers": …, …}`), or `GET /admin/program`'s own answer sent back
 * (`{"version": 3, "active": true, "program": {…}}`), whose read-only `version` and `active` are
 * ignored. Either way the program is validated whole (see `parseProgramSettings`); the problems'
 * paths are those of the body as sent.
 */
export function programFromBody(body: unknown): Program {
  if (!isPlainObject(body) || !Object.hasOwn(body, 'program')) return parseProgramSettings(body);
  const problems: ProgramProblem[] = Object.keys(body)
    .filter((key) => key !== 'program' && !(READ_ONLY_KEYS as readonly string[]).includes(key))
    .map((key) => ({ path: key, message: `The settings have no field ${JSON.stringify(key.slice(0, 60))}: send {"program": {…}}, as GET /admin/program answers it (its "version" and "active" are read-only and ignored).` }));
  try {
    const program = parseProgramSettings(body.program);
    if (problems.length === 0) return program;
  } catch (error) {
    if (!(error instanceof InvalidProgramError)) throw error;
    problems.push(...error.problems.map((problem) => ({ ...problem, path: problem.path ? `program.${problem.path}` : 'program' })));
  }
  throw new InvalidProgramError(problems);
}

export interface ProgramSaved {
  shop: Shop;
  /** The program's sections that differ from the version before; none when nothing changed. */
  changedSections: string[];
  /** False when the program sent is the one in force (and the shop active): no new version, no audit record. */
  saved: boolean;
}

export async function updateProgram(store: LoyaltyStore, input: { shop: string; program: Program; userId: string; now: Date }): Promise<ProgramSaved> {
  return retryOnConflict(async () => {
    const current = (await store.getShop(input.shop)) ?? newShop(input.shop, input.now);
    const previous = currentProgram(current);
    // An optional section left out keeps the value in force: programs written before it existed stay valid.
    const program: Program = input.program.history === undefined ? { ...input.program, history: previous.history } : input.program;
    if (program.birthday === undefined && previous.birthday) program.birthday = previous.birthday;
    if (program.guests === undefined && previous.guests) program.guests = previous.guests;
    if (program.referrals === undefined && previous.referrals) program.referrals = previous.referrals;
    // Content left out is kept, less the translations of tiers and rewards the program no longer has.
    if (program.content === undefined && previous.content) program.content = contentKeptFor(previous.content, program);
    if (program.lifecycle === undefined && previous.lifecycle) program.lifecycle = previous.lifecycle;
    const changedSections = programSectionsChanged(previous, program);
    // The same program sent back (GET, then PUT) is no change: no new version, no audit record.
    if (changedSections.length === 0 && current.active) return { shop: current, changedSections, saved: false };
    // Opening the app's admin means it is installed: an uninstalled shop becomes active again.
    const next: Shop = { ...current, program, programVersion: current.programVersion + 1, active: true };
    const change: ProgramChange = { version: next.programVersion, changedAt: input.now.toISOString(), changedBy: input.userId, program, previous: current.program };
    return (await store.saveProgram(current, next, change)) ? { shop: next, changedSections, saved: true } : 'conflict';
  });
}

/** The top-level sections (`earning`, `tiers`, …) whose settings differ. */
export function programSectionsChanged(before: Program, after: Program): string[] {
  const sections = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...sections].filter((section) => !isDeepStrictEqual(before[section as keyof Program], after[section as keyof Program]));
}

/**
 * A shop's program as it is in force: a program stored before a section existed reads with that
 * section's default, so what GET answers is always a whole program that PUT accepts back.
 */
function currentProgram(shop: Shop): Program {
  let program: Program;
  try {
    program = parseProgram(shop.program);
  } catch {
    program = shop.program;
  }
  // Optional sections show with their value when absent, so GET tells the store owner what holds.
  return { ...program, lifecycle: lifecycleSettingsOf(program), content: program.content ?? noContent, history: program.history ?? { importedOrdersEarnPoints: false }, birthday: program.birthday ?? { points: DEFAULT_BIRTHDAY_POINTS }, guests: program.guests ?? { claimDays: DEFAULT_GUEST_CLAIM_DAYS }, referrals: program.referrals ?? DEFAULT_REFERRAL_SETTINGS };
}
