/**
 * Reconciliation: a missed webhook costs a customer nothing. Each run reads, per active shop, the
 * orders updated since the shop's checkpoint (with their refunds and cancellation) through the
 * Admin GraphQL API, a page at a time, and feeds each through the earning engine as its webhooks
 * would have (`replayOrder`): what the engine has already changes nothing, what it missed is
 * applied once.
 *
 * The checkpoint (`JOB#reconcile` in the shop's partition) moves only past what was applied: to the
 * `updatedAt` of the last order fully applied, less a small overlap (Shopify's search may show an
 * update a little late). An order the engine refuses for good (malformed, another currency) is
 * logged, answered and passed; a failure that may pass (DynamoDB busy) stops the shop's pass where
 * it is, and the next run reads it again. Throttled by query cost, the transport waits a little or
 * hands the call back: the shop's pass stops and the next run goes on from its checkpoint.
 */
import type { OutboxLog } from '../rewards/outbox.ts';
import type { OrderSource } from '../shopify/order-feed.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { inTurns, unlimited, type Budget } from './budget.ts';
import { historyBoundary } from './history-import.ts';
import { logRejected, replayOrder, type RejectedOrder } from './order-replay.ts';

export const RECONCILE_JOB = 'reconcile';
/** A shop's first pass looks this far back. */
export const FIRST_LOOK_BACK_DAYS = 3;
/** The checkpoint stays this far behind the last order applied, for updates Shopify indexes late. */
export const CHECKPOINT_OVERLAP_MS = 5 * 60_000;

export interface ReconcileRun {
  shops: number;
  pages: number;
  /** Orders read and fed through the engine. */
  orders: number;
  /** Events that changed something: what the webhooks had missed. */
  applied: number;
  rejected: RejectedOrder[];
  /** Shops Shopify could not be asked about now (throttled, no access token, down), with why. */
  waiting: { shop: string; reason: string }[];
  /** Passes stopped by a failure that may pass; the next run reads those orders again. */
  failed: number;
  /** The budget (or throttling) stopped a pass before the end: the next run goes on. */
  more: boolean;
}

export interface ReconcileOptions {
  budget?: Budget;
  log: OutboxLog;
}

interface Pass {
  shop: Shop;
  since?: Date;
  checkpoint?: Date;
  importedBefore?: string;
  cursor?: string;
}

export async function reconcileOrders(store: LoyaltyStore, source: OrderSource, now: Date, options: ReconcileOptions): Promise<ReconcileRun> {
  const budget = options.budget ?? unlimited;
  const { log } = options;
  const shops = (await store.listShops()).filter((shop) => shop.active);
  const run: ReconcileRun = { shops: shops.length, pages: 0, orders: 0, applied: 0, rejected: [], waiting: [], failed: 0, more: false };

  /** One page of a shop's pass; true when the pass has more. */
  const page = async (pass: Pass): Promise<boolean> => {
    const shop = pass.shop.shop;
    if (!pass.since) {
      const progress = await store.jobProgress(shop, RECONCILE_JOB);
      pass.since = progress?.cursor ? new Date(progress.cursor) : new Date(now.getTime() - FIRST_LOOK_BACK_DAYS * 86_400_000);
      pass.checkpoint = pass.since;
      const boundary = await historyBoundary(store, shop);
      if (boundary) pass.importedBefore = boundary;
    }
    const answer = await source.updatedSince(pass.shop, pass.since, pass.cursor);
    if (answer.kind !== 'page') {
      if (answer.kind === 'rejected') {
        run.failed++;
        log.error('reconcile: Shopify refused the orders query', { shop, reason: answer.reason });
      } else {
        run.waiting.push({ shop, reason: answer.reason });
        // Throttled or down: the next run goes on. Without a token there is nothing to go on with.
        if (!/access token/.test(answer.reason)) run.more = true;
      }
      return false;
    }
    run.pages++;
    let last = pass.checkpoint!;
    const moveTo = (updatedAt: string | undefined) => {
      const at = updatedAt ? new Date(updatedAt) : undefined;
      if (at && !Number.isNaN(at.getTime()) && at > last) last = at;
    };
    const save = async () => {
      const checkpoint = new Date(Math.max(pass.checkpoint!.getTime(), last.getTime() - CHECKPOINT_OVERLAP_MS));
      if (checkpoint.getTime() === pass.checkpoint!.getTime()) return;
      pass.checkpoint = checkpoint;
      await store.saveJobProgress(shop, RECONCILE_JOB, { pass: 'orders', cursor: checkpoint.toISOString(), done: false, updatedAt: now.toISOString() });
    };
    for (const node of answer.nodes) {
      try {
        const replay = await replayOrder(store, { shop, node, now, ...(pass.importedBefore ? { importedBefore: pass.importedBefore } : {}) });
        run.orders++;
        if (replay.kind === 'rejected') {
          // It can never succeed: logged and answered, and the checkpoint passes it.
          const rejected = { shop, orderId: replay.orderId, reason: replay.reason };
          run.rejected.push(rejected);
          logRejected(log, 'reconcile', rejected);
        } else run.applied += replay.applied;
        moveTo(replay.updatedAt);
      } catch (error) {
        // It may pass: the checkpoint stays before this order, and the next run reads it again.
        run.failed++;
        log.error('reconcile: an order could not be applied now; the next run tries again', { shop, orderId: String((node as { id?: unknown })?.id ?? '').slice(0, 80), error: error instanceof Error ? error.message : String(error) });
        await save();
        return false;
      }
    }
    await save();
    if (!answer.endCursor) return false;
    pass.cursor = answer.endCursor;
    return true;
  };

  // Shops take turns a page each, so one shop's backlog holds up no other.
  if (await inTurns<Pass>(shops.map((shop) => ({ shop })), page, budget, 4)) run.more = true;
  return run;
}
