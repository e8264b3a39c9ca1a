/**
 * The `expire` job: lots past their date give up what is left in them. Found through the expiry
 * index (never a scan) and drained: the run goes on until no lot due by `now` is left or its
 * budget runs out, shops in turn. Each member's due lots are settled in one transaction that
 * expects the member unchanged, so a run that crashes, stops, runs twice or overlaps another
 * expires nothing twice: a settled lot leaves the index and its condition.
 */
import { MAX_LOTS_PER_SETTLEMENT, settleExpired } from '../ledger/expiry.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { drain, type DrainOptions } from './drain.ts';
import { changeMember, memberKeyOf } from './member-change.ts';

export { MAX_LOTS_PER_SETTLEMENT, settleExpired };

export interface ExpireRun {
  lotsDue: number;
  members: number;
  lotsSettled: number;
  pointsExpired: number;
  /** The run's budget ran out with lots still due; the next run goes on. */
  more: boolean;
}

export async function expireLots(store: LoyaltyStore, now: Date, options: DrainOptions = {}): Promise<ExpireRun> {
  let lotsSettled = 0;
  let pointsExpired = 0;
  const drained = await drain(
    {
      pages: (pageSize) => store.dueLotPages('EXPIRES', { before: now.toISOString(), pageSize }),
      shopOf: (lot) => lot.shop,
      keyOf: memberKeyOf,
      work: async ([member]) => {
        // A member with more due lots than one transaction takes is settled in several.
        for (let settled = MAX_LOTS_PER_SETTLEMENT; settled === MAX_LOTS_PER_SETTLEMENT; ) {
          const change = await changeMember(store, member!, now, (stored, lots) => settleExpired(stored, lots, now));
          settled = change?.lots.length ?? 0;
          lotsSettled += settled;
          pointsExpired -= change?.entries.reduce((sum, entry) => sum + entry.points, 0) ?? 0;
        }
      },
    },
    options,
  );
  return { lotsDue: drained.items, members: drained.units, lotsSettled, pointsExpired, more: drained.more };
}
