/**
 * One order read back from Shopify, fed through the earning engine as its webhooks would have
 * been: the payment, each refund, the cancellation, in that order. What the engine already has
 * (the order paid, a refund recorded) changes nothing, so a replay adds nothing. An order the
 * engine can never take (malformed data, another currency) is `rejected` with its reason; any
 * other failure (DynamoDB busy, a conflict that kept coming back) is thrown, for the caller to
 * stop and try again later.
 */
import { processEvent } from '../earning/process-event.ts';
import type { OutboxLog } from '../rewards/outbox.ts';
import { InvalidOrderError, orderEvents, parseGraphqlOrder, restId } from '../shopify/orders-query.ts';
import type { LoyaltyStore } from '../store/ports.ts';

/** Errors that say the order's data can never be taken: retrying would fail the same way. */
const PERMANENT = new Set(['invalid-order', 'invalid-amount', 'invalid-payload', 'currency-mismatch']);

export type Replay = { kind: 'replayed'; orderId: string; updatedAt?: string; applied: number } | { kind: 'rejected'; orderId: string; updatedAt?: string; reason: string };

export interface ReplayInput {
  shop: string;
  /** The order as the orders query or the bulk result gives it. */
  node: unknown;
  now: Date;
  /** Orders created before it predate the app: imported history (`OrderPaid.imported`). */
  importedBefore?: string;
}

export async function replayOrder(store: LoyaltyStore, input: ReplayInput): Promise<Replay> {
  const raw = input.node as { id?: unknown; updatedAt?: unknown } | null;
  const rawId = typeof raw?.id === 'string' ? restId(raw.id) : 'unknown';
  const updatedAt = typeof raw?.updatedAt === 'string' ? raw.updatedAt : undefined;
  let applied = 0;
  try {
    const order = parseGraphqlOrder(input.node);
    const imported = input.importedBefore !== undefined && new Date(order.createdAt).toISOString() < input.importedBefore;
    for (const event of orderEvents(order, { imported })) {
      const outcome = await processEvent(store, { shop: input.shop, event, now: input.now });
      if (outcome.outcome === 'applied') applied++;
    }
  } catch (error) {
    const type = (error as { type?: unknown })?.type;
    if (typeof type === 'string' && PERMANENT.has(type)) {
      const reason = error instanceof InvalidOrderError ? error.reason : (error as Error).message;
      return { kind: 'rejected', orderId: rawId, ...(updatedAt ? { updatedAt } : {}), reason: `${type}: ${reason}` };
    }
    throw error;
  }
  return { kind: 'replayed', orderId: rawId, ...(updatedAt ? { updatedAt } : {}), applied };
}

/** An order the engine refused for good, as the job answers and logs it. */
export interface RejectedOrder {
  shop: string;
  orderId: string;
  reason: string;
}

export function logRejected(log: OutboxLog, job: string, rejected: RejectedOrder): void {
  log.error(`${job}: an order from Shopify was refused by the earning engine and skipped for good`, { ...rejected });
}
