/**
 * The `tiers` job: a tier goes down when spend leaves the 365-day window, without waiting for the
 * member's next event. The member's own answer (the storefront) rates the window up to now at
 * every read; the stored tier, which the members index, the admin list and the figures go by,
 * changes only when the member is written. So once a day per shop this job re-rates the members
 * whose stored tier is above the program's base tier, found through the members index by tier
 * (never a scan, and nothing added to what a webhook writes), and writes the lower tier of those
 * whose spend has fallen below theirs. Base-tier members cannot go lower and are not read.
 *
 * Only downgrades: going up comes with an order (which grants the tier's reward), as before, and a
 * program change re-rates no one by itself. A tier change is no ledger entry and sends no message
 * (none does, up or down): it is the member's new state, written through `changeMember` like the
 * other jobs' changes, on the condition that the member is unchanged since read.
 *
 * Resumable and fair: a shop's pass goes a page of members at a time and records how far it got
 * (`JOB#tiers` in the shop's partition), so a run that stops early is gone on from there by the
 * next; shops take turns a page each, so a shop with a million Gold members holds up no other.
 */
import { utcDay } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import { withTier } from '../earning/members.ts';
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import type { Member } from '../ledger/types.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { inTurns, unlimited, type Budget } from './budget.ts';
import { limiter } from './limiter.ts';
import { changeMember } from './member-change.ts';

const JOB = 'tiers';

/** The member's tier as of `now`, when it is lower than the stored one (or one the program no longer has). */
export function tierDowngrade(member: Member, shop: Shop, now: Date): Change | null {
  const { program } = shop;
  const rated = withTier(member, now.toISOString(), program, shop.currency ?? FALLBACK_CURRENCY);
  const rank = (name: string) => program.tiers.findIndex((tier) => tier.name === name);
  const was = rank(member.tier);
  if (rated.tier === member.tier || (was >= 0 && rank(rated.tier) > was)) return null;
  return { member: rated, lots: [], entries: [] };
}

export interface TiersRun {
  /** Active shops. */
  shops: number;
  /** Members above their shop's base tier read in this run. */
  checked: number;
  downgraded: number;
  /** The budget ran out with passes unfinished; the next run goes on from where each stopped. */
  more: boolean;
}

export interface TiersOptions {
  budget?: Budget;
  /** Member writes in flight at once, and shops worked on at once. */
  concurrency?: number;
  /** Members read per page of a shop's pass. */
  pageSize?: number;
}

/** One shop's pass of the day: where it stands. */
interface Pass {
  shop: Shop;
  started: boolean;
  cursor?: string;
}

export async function rerateTiers(store: LoyaltyStore, now: Date, options: TiersOptions = {}): Promise<TiersRun> {
  const { budget = unlimited, concurrency = 16, pageSize = 100 } = options;
  const day = utcDay(now);
  const shops = (await store.listShops()).filter((shop) => shop.active);
  const run: TiersRun = { shops: shops.length, checked: 0, downgraded: 0, more: false };
  const write = limiter(concurrency);

  /** One page of a shop's pass; true when the pass has more. */
  const page = async (pass: Pass): Promise<boolean> => {
    const { shop } = pass;
    if (!pass.started) {
      const progress = await store.jobProgress(shop.shop, JOB);
      if (progress?.pass === day && progress.done) return false;
      if (progress?.pass === day && progress.cursor) pass.cursor = progress.cursor;
      pass.started = true;
    }
    const base = shop.program.tiers[0]!.name;
    const members = await store.membersNotInTier(shop.shop, base, { limit: pageSize, ...(pass.cursor ? { cursor: pass.cursor } : {}) });
    run.checked += members.items.length;
    const due = members.items.filter((member) => tierDowngrade(member, shop, now));
    await Promise.all(
      due.map((member) =>
        write(async () => {
          // Decided again on the member as stored: an order may have come since the page was read.
          if (await changeMember(store, member, now, (stored) => tierDowngrade(stored, shop, now))) run.downgraded++;
        }),
      ),
    );
    pass.cursor = members.cursor;
    await store.saveJobProgress(shop.shop, JOB, { pass: day, ...(members.cursor ? { cursor: members.cursor } : {}), done: !members.cursor, updatedAt: now.toISOString() });
    return members.cursor !== undefined;
  };

  // Shops take turns: one does a page, then goes to the back of the line.
  run.more = await inTurns<Pass>(shops.map((shop) => ({ shop, started: false })), page, budget, concurrency);
  return run;
}
