/**
 * The `activate` job: points whose return window (`pendingDays`) is over become spendable. Found
 * through the pending index and drained; each member's due lots move in one transaction, once.
 */
import type { Change } from '../earning/change.ts';
import type { Lot, Member } from '../ledger/types.ts';
import type { DueLot, LoyaltyStore } from '../store/ports.ts';
import { drain, type DrainOptions } from './drain.ts';
import { changeMember, memberKeyOf } from './member-change.ts';
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
  /** The run's budget ran out with lots still due; the next run goes on. */
  more: boolean;
}

/**
 * Activates every due lot, draining the pending index (shops in turn, until nothing due is left
 * or the budget runs out). A due lot that has no points (an order refunded or cancelled whole
 * inside its window) has nothing to activate: it is dropped from the index, so such lots never
 * come back to the next walk or run.
 */
export async function activatePendingPoints(store: LoyaltyStore, now: Date, options: DrainOptions = {}): Promise<ActivateRun> {
  const run = { lotsActivated: 0, pointsActivated: 0, emptyLotsDropped: 0 };
  const drained = await drain<DueLot>(
    {
      pages: (pageSize) => store.dueLotPages('PENDING', { before: now.toISOString(), pageSize }),
      shopOf: (lot) => lot.shop,
      keyOf: memberKeyOf,
      work: async (due) => {
        const activated = new Set<string>();
        // A member with more due lots than one transaction takes is activated in several.
        for (let moved = MAX_LOTS_PER_SETTLEMENT; moved === MAX_LOTS_PER_SETTLEMENT; ) {
          const change = await changeMember(store, due[0]!, now, (stored, lots) => activatePending(stored, lots, now));
          for (const lot of change?.lots ?? []) activated.add(lot.id);
          moved = change?.lots.length ?? 0;
          run.lotsActivated += moved;
          run.pointsActivated += change?.lots.reduce((sum, lot) => sum + lot.points, 0) ?? 0;
        }
        for (const lot of due) if (!activated.has(lot.lotId) && (await store.dropEmptyDueLot('PENDING', lot))) run.emptyLotsDropped++;
      },
    },
    options,
  );
  return { lotsDue: drained.items, members: drained.units, ...run, more: drained.more };
}
