/**
 * A very busy day for one shop. Every order adds its reference (and its customer) to sets on one
 * of the day's four figure items (STATS#shop#day#shard), so those items grow with the day's
 * orders: about 30 bytes per order per shard (`npm run bench` measures it), and DynamoDB refuses
 * an item over 400 KB. Here the day's figures are first filled as the day's earlier orders fill
 * them (written directly: sending some 48,000 webhooks would take minutes), up to one order short
 * of the limit; then one more order arrives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { orderRef } from '../../shared/kpis/stats.ts';
import type { Order } from '../../shared/ledger/types.ts';
import { paidOrder } from '../support/fixtures.ts';
import { SHOP, testService } from '../support/http.ts';

let service: Awaited<ReturnType<typeof testService>>;
beforeAll(async () => {
  service = await testService('2026-05-02T12:00:00Z');
});

describe('a shop’s busiest day', () => {
  it('still earns points for an order once the day’s figures hold as much as DynamoDB allows', async () => {
    const day = '2026-05-01';
    const customerId = '9001';
    let others = 0;
    /** What `count` more orders of other customers in this customer's shard leave in the day's sets. */
    const moreOrders = (count: number) =>
      service.store.commit({
        shop: SHOP,
        change: {
          lots: [],
          entries: [],
          stats: [
            {
              bucket: { kind: 'day', day },
              shardKey: customerId,
              add: { orders: count },
              addToSet: {
                orderRefs: Array.from({ length: count }, (_, i) => orderRef(String(1_000_000 + others + i), { orderId: String(5_000_000_000 + others + i), paid: { at: `${day}T10:00:00Z` } } as Order)),
                activeMembers: Array.from({ length: count }, (_, i) => String(1_000_000 + others + i)),
              },
            },
          ],
        },
        idempotencyKeys: [],
        now: new Date(`${day}T23:00:00Z`),
      });
    // Orders are added until the item is within one order of DynamoDB's 400 KB: in steps of 500,
    // then 20, then 1 (about 12,000 orders in this shard: some 48,000 that day for the shop).
    // A full item no longer fails the write: the counters are written without the day's sets. So
    // the day is full once its set of order references stops growing.
    const refsHeld = async () => (await service.store.readStats(SHOP, [day])).reduce((n, item) => n + (item.sets.orderRefs?.length ?? 0), 0);
    for (const step of [500, 20, 1]) {
      for (;;) {
        const before = await refsHeld();
        expect(await moreOrders(step)).toBe('committed');
        if ((await refsHeld()) === before) break;
        others += step;
      }
    }
    expect(others).toBeGreaterThan(10_000);

    const response = await service.webhook('orders/paid', paidOrder({ id: 77, customerId: Number(customerId), subtotal: '25.00', at: `${day}T23:30:00Z` }));
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'applied', points: 25 });
  }, 180_000);
});
