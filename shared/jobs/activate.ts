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

export interface ActivateRun {
  lotsDue: number;
  members: number;
  lotsActivated: number;
  pointsActivated: number;
  /** Lots reversed to nothing inside their window, taken out of the pending index. */
  emptyLotsDropped: number;
  /** More lots were due than this run took; the next run goes on. */
  more: boolean;
}

/** Pages of `limit` due lots one run goes through, as long as each page moves something. */
const MAX_PAGES_PER_RUN = 20;

/**
 * Activates the due lots, a page of `limit` at a time. A due lot that has no points (an order
 * refunded or cancelled whole inside its window) has nothing to activate: it is dropped from the
 * index, so such lots, which the index shares across every shop, never hold up the real ones behind them.
 */
export async function activatePendingPoints(store: LoyaltyStore, now: Date, limit = 500): Promise<ActivateRun> {
  const run: ActivateRun = { lotsDue: 0, members: 0, lotsActivated: 0, pointsActivated: 0, emptyLotsDropped: 0, more: false };
  for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
    const due = await store.dueLots('PENDING', now.toISOString(), limit);
    const members = membersOf(due);
    run.lotsDue += due.length;
    run.members += members.length;
    const activated = new Set<string>();
    for (const member of members) {
      // A member with more due lots than one transaction takes is activated in several.
      for (let moved = MAX_LOTS_PER_SETTLEMENT; moved === MAX_LOTS_PER_SETTLEMENT; ) {
        const change = await changeMember(store, member, now, (stored, lots) => activatePending(stored, lots, now));
        for (const lot of change?.lots ?? []) activated.add(`${member.shop}\u0000${member.customerId}\u0000${lot.id}`);
        moved = change?.lots.length ?? 0;
        run.lotsActivated += moved;
        run.pointsActivated += change?.lots.reduce((sum, lot) => sum + lot.points, 0) ?? 0;
      }
    }
    let dropped = 0;
    for (const lot of due) {
      if (activated.has(`${lot.shop}\u0000${lot.customerId}\u0000${lot.lotId}`)) continue;
      if (await store.dropEmptyDueLot('PENDING', lot)) dropped++;
    }
    run.emptyLotsDropped += dropped;
    run.more = due.length >= limit;
    // A page that moved nothing would come back the same: leave it to the next run.
    if (!run.more || activated.size + dropped === 0) break;
  }
  return run;
}
