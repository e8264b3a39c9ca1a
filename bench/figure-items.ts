/**
 * The figure items' size, which is what a batch of the aggregator pays for (DynamoDB bills an
 * update by the larger of the item before and after it), and the hot-key check that follows.
 *
 * A day's figure item holds, besides plain counters, the keyed figures of `kpis/histories.ts`
 * (`buyers@{day of the previous order}` and the like): one key per distinct earlier day, at most
 * 367 per figure. Orders of new customers, which is all the benchmark's webhooks and fill send,
 * only ever write the `…@0` keys, so the stored items stay tiny. `simulatedDayItems` runs the
 * aggregator's own pure core (`figuresOf`, `mergeDeltas`) over a day of returning customers whose
 * earlier orders are spread over more than a year, to see how large the items get on a real shop.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { DAY_MS, utcDay } from '../shared/clock.ts';
import type { LedgerEntry, Member, Order } from '../shared/ledger/types.ts';
import { figuresOf, mergeDeltas } from '../shared/kpis/figures-of.ts';
import type { FigureDelta } from '../shared/kpis/stats-types.ts';
import { ownedByShopKeys, STATS_SHARDS } from '../shared/store/dynamodb/keys.ts';
import { itemSize } from './dynamodb-meter.ts';

/** A figure item as the aggregator stores it (`figures.ts`: counters plus entity, shop, GSI2 keys). */
export function figureItemSize(shop: string, bucket: string, shard: number, counters: Record<string, number>): number {
  const PK = `STATS#${shop}#${bucket}#${shard}`;
  return itemSize(marshall({ PK, SK: 'STATS', entity: 'stats', shop, ...ownedByShopKeys(shop, PK), ...counters }));
}

/** A deterministic pseudo-random sequence, so every run simulates the same day. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function memberWith(shop: string, customerId: string, orders: { id: string; at: string }[]): Member {
  const last = orders.at(-1)!.at;
  return {
    shop,
    customerId,
    enrolledAt: orders[0]!.at,
    balance: 100 * orders.length,
    consumed: 0,
    pending: 0,
    lifetimeEarned: 100 * orders.length,
    spendByOrder: Object.fromEntries(orders.map((order) => [order.id, { at: order.at, minor: 5000, multiplier: 1 }])),
    tier: 'Bronze',
    tierAsOf: last,
    orderCount: orders.length,
    firstOrderAt: orders[0]!.at,
    lastOrderAt: last,
    lastActiveAt: last,
    contact: {},
    rev: orders.length,
  };
}

export interface SimulatedDay {
  orders: number;
  returningShare: number;
  /** The largest of the day's STATS_SHARDS items at the end of the day. */
  largestKb: number;
  /** The day item's size as each order's batch found it, averaged over the day. */
  meanAtWriteKb: number;
  keysPerItem: number;
}

/**
 * One shop's day of `orders` orders, each its own aggregator batch (as at a low rate), on a random
 * shard as the batch's first sequence number picks it. `returningShare` of the buyers have 1 to 3
 * earlier orders, on days drawn from the past 400 days.
 */
export function simulatedDayItems(orders: number, returningShare = 0.6, now = new Date()): SimulatedDay {
  const shop = 'simulated.myshopify.com';
  const day = utcDay(now);
  const next = random(13);
  const shards = Array.from({ length: STATS_SHARDS }, () => ({} as Record<string, number>));
  let sizeSum = 0;
  for (let i = 0; i < orders; i++) {
    const customerId = String(1_000_000 + i);
    const at = new Date(now.getTime() - next() * 3_600_000).toISOString();
    const earlier = next() < returningShare ? 1 + Math.floor(next() * 3) : 0;
    const history = Array.from({ length: earlier }, (_, n) => ({ id: `p${i}-${n}`, at: new Date(now.getTime() - (1 + next() * 400) * DAY_MS).toISOString() })).sort((a, b) => a.at.localeCompare(b.at));
    const before = earlier ? memberWith(shop, customerId, history) : undefined;
    const after = memberWith(shop, customerId, [...history, { id: `o${i}`, at }]);
    const order: Order = { shop, orderId: `o${i}`, customerId, refunds: {}, reversedPoints: 0, spendCounted: 5000, rev: 1, paid: { at, currency: 'USD', subtotalMinor: 5000, taxesIncluded: false, includedTaxMinor: 0, eligibleMinor: 5000, points: 50, tier: 'Bronze', multiplier: 1, discountCodes: [] } };
    const entry: LedgerEntry = { id: `earn:o${i}`, type: 'earn', points: 50, occurredAt: at, recordedAt: at, balanceAfter: after.balance, orderId: `o${i}` };
    const deltas: FigureDelta[] = mergeDeltas([
      ...figuresOf({ kind: 'member', shop, ...(before ? { before } : {}), after }),
      ...figuresOf({ kind: 'order', shop, after: order }),
      ...figuresOf({ kind: 'ledger', shop, entry }),
    ]);
    const shard = Math.floor(next() * STATS_SHARDS);
    const counters = shards[shard]!;
    for (const delta of deltas.filter((d) => d.bucket === day)) for (const [name, by] of Object.entries(delta.add)) counters[name] = (counters[name] ?? 0) + by;
    sizeSum += figureItemSize(shop, day, shard, counters);
  }
  const sizes = shards.map((counters, shard) => figureItemSize(shop, day, shard, counters));
  return {
    orders,
    returningShare,
    largestKb: Math.max(...sizes) / 1024,
    meanAtWriteKb: sizeSum / orders / 1024,
    keysPerItem: Math.max(...shards.map((counters) => Object.keys(counters).length)),
  };
}

/** What one DynamoDB partition (so one item) takes at most, in write units a second. */
export const PARTITION_WRU_PER_SECOND = 1000;

export interface HotKeyInput {
  ordersPerSecond: number;
  recordsPerOrder: number;
  /** Records one aggregator batch holds at most (the event source's BatchSize). */
  batchRecords: number;
  /** How long the event source gathers records before it invokes with a batch not full. */
  windowSeconds: number;
  /** Write units of one orders/paid (the table's write rate sets its partitions, so the stream's shards). */
  wruPerOrder: number;
  /** How long one aggregator invocation takes (one transaction); one batch at a time per shard. */
  invocationMs: number;
  itemKb: number;
}

/**
 * Writes a second to one figure item. Each batch writes one of the STATS_SHARDS items of the day
 * and of the gauge. Two figures: the fewest batches there could be (all full), and batches as the
 * event source forms them: the stream has a shard per table partition (at least the write rate
 * over what one partition takes), and each shard's batch closes when full or when the window ends,
 * one at a time.
 */
export function hotKey(input: HotKeyInput) {
  const records = input.ordersPerSecond * input.recordsPerOrder;
  const full = records / input.batchRecords / STATS_SHARDS;
  const partitions = Math.ceil((input.ordersPerSecond * input.wruPerOrder) / PARTITION_WRU_PER_SECOND);
  const perShard = records / partitions;
  const batchesPerShard = Math.min(1000 / input.invocationMs, Math.max(1 / input.windowSeconds, perShard / input.batchRecords));
  const recordsPerBatch = perShard / batchesPerShard;
  const formed = (partitions * batchesPerShard) / STATS_SHARDS;
  const wru = (writes: number) => writes * 2 * Math.max(1, Math.ceil(input.itemKb));
  return { records, full, fullWru: wru(full), partitions, recordsPerBatch, formed, formedWru: wru(formed) };
}
