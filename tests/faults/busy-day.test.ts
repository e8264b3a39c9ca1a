/**
 * A 30,000-order day for one shop, through the figures' aggregator against DynamoDB Local: the
 * stream records such a day makes (a member, an order and a ledger entry per order), delivered
 * in Lambda-sized batches, some of them twice, some again with more records after them, as Lambda
 * retries. Every figure comes out exact, and no figure item grows with the day's orders.
 * (Sending 30,000 signed webhooks would take minutes; the webhook path itself is covered elsewhere.)
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type StreamChange } from '../../shared/kpis/aggregate.ts';
import { programKpis } from '../../shared/kpis/kpis.ts';
import type { LedgerEntry, Member, Order } from '../../shared/ledger/types.ts';
import { defaultProgram } from '../../shared/program/program.ts';
import { itemSize } from '../../bench/dynamodb-meter.ts';
import { freshTable } from '../support/database.ts';

const SHOP = 'busiest.myshopify.com';
const DAY = '2026-11-27';
const CUSTOMERS = 20_000;
/** The first 10,000 customers order twice, twelve hours apart: 30,000 orders. */
const TWICE = 10_000;

let table: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  table = await freshTable();
});

const at = (minute: number) => new Date(Date.parse(`${DAY}T00:00:00Z`) + minute * 60_000).toISOString();

function member(customerId: string, orders: { id: string; at: string; minor: number }[], rev: number): Member {
  return {
    shop: SHOP,
    customerId,
    enrolledAt: at(0),
    balance: orders.reduce((sum, o) => sum + o.minor / 100, 0),
    consumed: 0,
    pending: 0,
    lifetimeEarned: orders.reduce((sum, o) => sum + o.minor / 100, 0),
    spendByOrder: Object.fromEntries(orders.map((o) => [o.id, { at: o.at, minor: o.minor, multiplier: 1 }])),
    tier: 'Bronze',
    tierAsOf: orders.at(-1)?.at ?? at(0),
    contact: {},
    rev,
    ...(orders.length ? { orderCount: orders.length, firstOrderAt: orders[0]!.at, lastOrderAt: orders.at(-1)!.at, lastActiveAt: orders.at(-1)!.at } : {}),
  };
}

/** Each customer's order before the day: 10 to 409 days before it, so the day's history keys take every value. */
const earlier = (customer: number) => ({ id: `${customer}-prior`, at: new Date(Date.parse(`${DAY}T09:00:00Z`) - (10 + (customer % 400)) * 86_400_000).toISOString(), minor: 2000 });

/** The records of one order, as the stream gives them: the member before and after, the order, its ledger entry. */
function orderRecords(customer: number, nth: number): StreamChange['source'][] {
  const customerId = String(customer);
  const minute = (customer % 600) + nth * 720;
  const today = Array.from({ length: nth + 1 }, (_, i) => ({ id: `${customer}-${i}`, at: at((customer % 600) + i * 720), minor: 1000 + (customer % 50) * 100 }));
  const orders = [earlier(customer), ...today];
  const current = today[nth]!;
  const order: Order = {
    shop: SHOP,
    orderId: current.id,
    customerId,
    paid: { at: at(minute), currency: 'USD', subtotalMinor: current.minor, taxesIncluded: false, includedTaxMinor: 0, eligibleMinor: current.minor, points: current.minor / 100, tier: 'Bronze', multiplier: 1, discountCodes: [] },
    refunds: {},
    reversedPoints: 0,
    spendCounted: current.minor,
    rev: 0,
  };
  const entry: LedgerEntry = { id: `earn:${current.id}`, type: 'earn', points: current.minor / 100, occurredAt: current.at, recordedAt: current.at, balanceAfter: 0, orderId: current.id };
  return [
    { kind: 'member', shop: SHOP, before: member(customerId, orders.slice(0, nth + 1), nth + 1), after: member(customerId, orders, nth + 2) },
    { kind: 'order', shop: SHOP, after: { ...order, rev: 1 } },
    { kind: 'ledger', shop: SHOP, entry },
  ];
}

describe('a shop’s busiest day', () => {
  it('keeps every figure exact over 30,000 orders delivered in batches, retried as Lambda retries, with items that do not grow', async () => {
    const sources = [];
    for (let customer = 1; customer <= CUSTOMERS; customer++) sources.push(...orderRecords(customer, 0));
    for (let customer = 1; customer <= TWICE; customer++) sources.push(...orderRecords(customer, 1));
    const changes: StreamChange[] = sources.map((source, i) => ({ sequence: String(10_000_000 + i).padStart(21, '0'), source }));
    const now = new Date(`${DAY}T23:59:00Z`);

    let delivered = 0;
    for (let start = 0, batch = 0; start < changes.length; start += 1000, batch++) {
      const records = changes.slice(start, start + 1000);
      const run = await aggregate(table.store, records, now);
      expect(run.failedFrom, String(run.error)).toBeUndefined();
      delivered += records.length;
      // Every seventh batch is delivered again whole; every thirteenth again with more records after
      // it (Lambda retries from the first record it was told failed, with what has arrived since).
      if (batch % 7 === 3) expect((await aggregate(table.store, records, now)).applied).toBe(0);
      if (batch % 13 === 5) {
        const retried = await aggregate(table.store, changes.slice(start, start + 1600), now);
        expect(retried).toMatchObject({ skipped: 1000, applied: Math.min(600, changes.length - start - 1000) });
        delivered += retried.applied;
        start += 600;
      }
    }
    expect(delivered).toBe(changes.length);

    const revenue = sources.reduce((sum, s) => sum + (s?.kind === 'order' ? s.after!.spendCounted : 0), 0);
    const earned = sources.reduce((sum, s) => sum + (s?.kind === 'ledger' ? s.entry.points : 0), 0);
    const kpis = await programKpis(table.store, { shop: SHOP, currency: 'USD', program: defaultProgram } as never, { from: DAY, to: DAY });
    expect(kpis).toMatchObject({
      activeMembers: CUSTOMERS,
      orders: CUSTOMERS + TWICE,
      buyers: CUSTOMERS,
      repeatCustomers: TWICE,
      averageDaysBetweenOrders: 0.5,
      // Every customer had ordered before the day: the day makes no new buyer, and 40,000 repeat buyers.
      lifetime: { buyers: 0, repeatBuyers: CUSTOMERS },
      memberRevenue: (revenue / 100).toFixed(2),
      points: { earned },
    });
    // A week around it reads the same buyers: their previous orders are all inside it.
    expect(await programKpis(table.store, { shop: SHOP, currency: 'USD', program: defaultProgram } as never, { from: '2026-11-23', to: '2026-11-29' })).toMatchObject({ buyers: CUSTOMERS, repeatCustomers: TWICE });

    // No figure item grows with the day's orders: each holds at most 367 short keys per history
    // figure (the customers' previous orders fall on 400 different days) and a few counters.
    const { Items = [] } = await table.client.send(new ScanCommand({ TableName: table.tableName, FilterExpression: 'entity = :stats', ExpressionAttributeValues: { ':stats': { S: 'stats' } } }));
    expect(Items.length).toBeGreaterThan(0);
    const largest = Math.max(...Items.map(itemSize));
    expect(largest).toBeGreaterThan(2048);
    expect(largest).toBeLessThan(12 * 1024);
  }, 600_000);
});
