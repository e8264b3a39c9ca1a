/**
 * The `expire` job: lots past their date give up what is left in them. Found through the expiry
 * index (never a scan); each member's due lots are settled in one transaction that expects the
 * member unchanged, so a run that crashes, runs twice or overlaps another expires nothing twice:
 * a settled lot leaves the index and its condition.
 */
import { MAX_LOTS_PER_SETTLEMENT, settleExpired } from '../ledger/expiry.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { changeMember, membersOf } from './member-change.ts';

export { MAX_LOTS_PER_SETTLEMENT, settleExpired };

export interface ExpireRun {
  lotsDue: number;
  members: number;
  lotsSettled: number;
  pointsExpired: number;
  /** More lots were due than one run takes; the next run goes on. */
  more: boolean;
}

export async function expireLots(store: LoyaltyStore, now: Date, limit = 500): Promise<ExpireRun> {
  const due = await store.dueLots('EXPIRES', now.toISOString(), limit);
  const members = membersOf(due);
  const run: ExpireRun = { lotsDue: due.length, members: members.length, lotsSettled: 0, pointsExpired: 0, more: due.length >= limit };
  for (const member of members) {
    // A member with more due lots than one transaction takes is settled in several.
    for (let settled = MAX_LOTS_PER_SETTLEMENT; settled === MAX_LOTS_PER_SETTLEMENT; ) {
      const change = await changeMember(store, member, now, (stored, lots) => settleExpired(stored, lots, now));
      settled = change?.lots.length ?? 0;
      run.lotsSettled += settled;
      run.pointsExpired -= change?.entries.reduce((sum, entry) => sum + entry.points, 0) ?? 0;
    }
  }
  return run;
}
