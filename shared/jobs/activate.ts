/**
 * The `activate` job: points whose return window (`pendingDays`) is over become spendable. Found
 * through the pending index; each member's due lots move in one transaction, once.
 */
import type { Change } from '../earning/change.ts';
import type { Lot, Member } from '../ledger/types.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { changeMember, membersOf } from './member-change.ts';
import { MAX_LOTS_PER_SETTLEMENT } from './expire.ts';

export function activatePending(member: Member, lots: readonly Lot[], now: Date): Change | null {
  const at = now.toISOString();
  const due = lots.filter((lot) => lot.pendingUntil && lot.pendingUntil <= at).slice(0, MAX_LOTS_PER_SETTLEMENT);
  if (due.length === 0) return null;
  const points = due.reduce((sum, lot) => sum + lot.points, 0);
  return {
    member: { ...member, pending: member.pending - points, balance: member.balance + points },
    lots: due.map(({ pendingUntil: _over, ...lot }) => lot),
    entries: [],
  };
}

export async function activatePendingPoints(store: LoyaltyStore, now: Date, limit = 500) {
  const due = await store.dueLots('PENDING', now.toISOString(), limit);
  const members = membersOf(due);
  let lotsActivated = 0;
  let pointsActivated = 0;
  for (const member of members) {
    const change = await changeMember(store, member, now, (stored, lots) => activatePending(stored, lots, now));
    lotsActivated += change?.lots.length ?? 0;
    pointsActivated += change?.lots.reduce((sum, lot) => sum + lot.points, 0) ?? 0;
  }
  return { lotsDue: due.length, members: members.length, lotsActivated, pointsActivated, more: due.length >= limit };
}
