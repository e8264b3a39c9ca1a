/**
 * The `expire` job: lots past their date give up what is left in them. Found through the expiry
 * index (never a scan); each member's due lots are settled in one transaction that expects the
 * member unchanged, so a run that crashes, runs twice or overlaps another expires nothing twice:
 * a settled lot leaves the index and its condition.
 */
import type { Change } from '../earning/change.ts';
import { lotStandings } from '../ledger/lots.ts';
import type { Lot, Member } from '../ledger/types.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { changeMember, membersOf } from './member-change.ts';

/** Lots settled in one transaction, well inside DynamoDB's 100 items. */
export const MAX_LOTS_PER_SETTLEMENT = 80;

/** Settles the member's lots that expired by `now`, oldest first. `null` when none are due. */
export function settleExpired(member: Member, lots: readonly Lot[], now: Date): Change | null {
  const at = now.toISOString();
  // What is left in each lot follows from `consumed`, taken oldest first; the due lots are a prefix.
  const due = lotStandings(lots, member.consumed)
    .filter(({ lot }) => lot.expiresAt <= at)
    .slice(0, MAX_LOTS_PER_SETTLEMENT);
  if (due.length === 0) return null;
  const expired = due.reduce((sum, { remaining }) => sum + remaining, 0);
  const consumedFromDue = due.reduce((sum, { lot, remaining }) => sum + lot.points - remaining, 0);
  const next: Member = { ...member, consumed: member.consumed - consumedFromDue, balance: member.balance - expired };
  const last = due.at(-1)!.lot;
  return {
    member: next,
    lots: due.map(({ lot, remaining }) => ({ ...lot, settledAt: at, expired: remaining })),
    entries:
      expired > 0
        ? [{ id: `expire:${last.id}`, type: 'expire', points: -expired, occurredAt: last.expiresAt, recordedAt: at, balanceAfter: next.balance }]
        : [],
  };
}

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
