/**
 * A manual adjustment that its sender may send again (Shopify Flow retries an action run it did not
 * see answered): the same core as the admin's adjustments, committed together with an idempotency
 * record of the run, so a second delivery changes nothing and gets the first one's answer.
 */
import type { LedgerEntry } from '../ledger/types.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { adjustPoints, type Adjustment } from './adjustments.ts';

/** What an adjustment answers, first time and on a replay alike. */
export interface AdjustmentResult {
  customerId: string;
  entry: LedgerEntry;
  balance: number;
}

export interface AdjustOnceRequest {
  shop: Shop;
  customerId: string;
  /** Unique per delivery the sender may repeat (Flow's `action_run_id`); the ledger entry is named after it too. */
  runId: string;
  /** Names the sender in the idempotency key (`flow`). */
  sender: string;
  adjustment: Adjustment;
  now: Date;
}

/** Throws `AdjustmentBelowZeroError` (nothing written) when it would take the balance below zero. */
export async function adjustPointsOnce(store: LoyaltyStore, request: AdjustOnceRequest): Promise<{ result: AdjustmentResult; replayed: boolean }> {
  const { shop, customerId, runId, sender, now } = request;
  const key = `${sender}-run:${runId}`;
  return retryOnConflict(async () => {
    const earlier = await store.idempotencyResult(shop.shop, key);
    if (earlier) return { result: earlier as unknown as AdjustmentResult, replayed: true };
    const member = await store.getMember(shop.shop, customerId);
    const change = adjustPoints({ shop, customerId, now, id: `${sender}:${runId}`, ...(member ? { member } : {}) }, request.adjustment);
    const result: AdjustmentResult = { customerId, entry: change.entries[0]!, balance: change.member!.balance };
    // `duplicate`: the same run was committed meanwhile (a concurrent delivery); the next attempt answers with it.
    const committed = await store.commit({ shop: shop.shop, change, idempotencyKeys: [key], idempotencyResult: result as unknown as Record<string, unknown>, now });
    return committed === 'committed' ? { result, replayed: false } : 'conflict';
  });
}
