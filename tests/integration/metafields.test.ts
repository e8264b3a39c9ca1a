import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStreamPoller } from '../../local/stream-poller.ts';
import { fixedClock } from '../../shared/clock.ts';
import { MEMBER_SYNC_WINDOW_MS } from '../../shared/stream/outbound-work.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { installFakeShopifyFlow, type FakeShopifyFlow } from '../support/fake-shopify-flow.ts';
import { FAKE_SHOP_GID, fakeMetafields, type FakeMetafields } from '../support/fake-shopify-metafields.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SHOP, testService } from '../support/http.ts';

const START = Date.parse('2026-06-01T12:00:00Z');
let fake: FakeShopifyAdmin;
let metafields: FakeMetafields;
let flow: FakeShopifyFlow;
let service: Awaited<ReturnType<typeof testService>>;
let clockAt = START;
let nextOrder = 9_000;
let nextCustomer = 800;

const gid = (customerId: string) => `gid://shopify/Customer/${customerId}`;
/** Moves the service's clock on by `ms`. */
function later(ms: number): void {
  clockAt += ms;
  service.setNow(new Date(clockAt).toISOString());
}
async function paid(customerId: string, subtotal: string): Promise<void> {
  const response = await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal, at: new Date(clockAt - 60_000).toISOString() }));
  expect(response.status).toBe(200);
}
const newCustomer = () => String(nextCustomer++);

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  metafields = fakeMetafields(fake);
  flow = installFakeShopifyFlow(fake);
  service = await testService(new Date(START).toISOString(), {
    outbound: true,
    env: { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: fake.token }) },
  });
});
afterAll(() => fake.close());

describe('customer metafields from the change stream', () => {
  it('writes balance, tier, next tier and expiring points after an order is paid, as the storefront shows them', async () => {
    const customerId = newCustomer();
    await paid(customerId, '120.00');
    await service.outbound();

    const member = await service.member(customerId);
    expect(metafields.valueOf(gid(customerId), 'points_balance')).toBe(120);
    expect(metafields.valueOf(gid(customerId), 'tier')).toBe('Bronze');
    expect(metafields.valueOf(gid(customerId), 'next_tier')).toEqual({ name: 'Silver', remaining: '380.00', minSpend: '500.00', currency: 'USD' });
    expect(metafields.valueOf(gid(customerId), 'points_expiring')).toEqual({ points: 120, date: member.expiring[0].expiresAt.slice(0, 10), expiresAt: member.expiring[0].expiresAt });
    expect(member.balance).toBe(120);
    // Every write went to the app's own namespace, values as strings.
    for (const call of metafields.writes) for (const write of call) expect(write.namespace).toBe('$app');
  });

  it('writes the public program to the shop metafield, as GET /proxy/program answers it (without the campaigns running now, which change with the clock, not with the program)', async () => {
    const { campaigns, ...program } = await json(await service.proxy('/program'));
    expect(campaigns).toEqual([]);
    expect(metafields.valueOf(FAKE_SHOP_GID, 'program')).toEqual(program);
  });

  it('tries a throttled write again later, and the values end right', async () => {
    const customerId = newCustomer();
    metafields.next.push('throttle-cost');
    later(60_000);
    await paid(customerId, '80.00');
    await service.outbound();
    expect(metafields.valueOf(gid(customerId), 'points_balance')).toBeUndefined();
    expect(service.outboundQueue.pending()).toContainEqual(expect.objectContaining({ kind: 'member', customerId }));

    later(60_000);
    await service.outbound();
    expect(metafields.valueOf(gid(customerId), 'points_balance')).toBe(80);
    expect(service.outboundQueue.pending()).not.toContainEqual(expect.objectContaining({ customerId }));
  });

  it('does not retry a member Shopify refuses for good, and still writes the others (the call is atomic: sent again without them)', async () => {
    const refused = newCustomer();
    const accepted = newCustomer();
    metafields.unknownOwners.add(gid(refused));
    later(60_000);
    await paid(refused, '50.00');
    await paid(accepted, '70.00');
    await service.outbound();

    expect(metafields.valueOf(gid(accepted), 'points_balance')).toBe(70);
    expect(metafields.valueOf(gid(refused), 'points_balance')).toBeUndefined();
    expect(service.outboundQueue.pending()).not.toContainEqual(expect.objectContaining({ customerId: refused }));
    later(15 * 60_000);
    const callsBefore = fake.calls.length;
    await service.outbound();
    expect(fake.calls.length).toBe(callsBefore);
  });

  it('writes a member at most twice for a burst of 50 orders, ending at the final state', async () => {
    const customerId = newCustomer();
    later(60_000);
    const burstStart = clockAt;
    // 50 orders over 5 seconds, the stream read while the burst goes on.
    for (let order = 0; order < 50; order++) {
      later(100);
      await paid(customerId, '10.00');
      if (order % 10 === 9) await service.outbound();
    }
    await service.outbound();
    expect(metafields.writesFor(gid(customerId))).toBe(1);

    later(burstStart + 1_000 + MEMBER_SYNC_WINDOW_MS - 1_000 - clockAt);
    await service.outbound();
    expect(metafields.writesFor(gid(customerId))).toBe(1);

    later(1_000);
    await service.outbound();
    expect(metafields.writesFor(gid(customerId))).toBe(2);
    expect(metafields.valueOf(gid(customerId), 'points_balance')).toBe(500);
    expect(metafields.valueOf(gid(customerId), 'tier')).toBe('Silver');
    expect(service.outboundQueue.pending()).not.toContainEqual(expect.objectContaining({ customerId }));

    later(60_000);
    await service.outbound();
    expect(metafields.writesFor(gid(customerId))).toBe(2);
  });

  it('skips metafields and Flow for a shop without an Admin API token (nothing waits to be retried), and still publishes its events', async () => {
    const other = 'no-token-shop.myshopify.com';
    later(60_000);
    const calls = fake.calls.length;
    const response = await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: 5, subtotal: '30.00', at: new Date(clockAt - 60_000).toISOString() }), { shop: other });
    expect(response.status).toBe(200);
    await service.outbound();

    expect(fake.calls.length).toBe(calls);
    expect(service.outboundQueue.pending()).not.toContainEqual(expect.objectContaining({ shop: other }));
    expect(service.events.list()).toContainEqual(expect.objectContaining({ shop: other, type: 'points_earned', customerId: '5' }));
  });

  it('sends no event twice to Flow or the bus, and writes nothing again, when the stream is read again from its start', async () => {
    const customerId = newCustomer();
    later(60_000);
    await paid(customerId, '600.00');
    await service.outbound();
    const events = service.events.list();
    const mine = events.filter((event) => event.customerId === customerId);
    expect(mine.map(({ type }) => type)).toEqual(expect.arrayContaining(['points_earned', 'tier_changed']));
    const triggers = flow.received.length;
    expect(flow.received.filter(({ payload }) => String(payload.customer_id) === customerId).length).toBe(mine.length);
    const writes = metafields.writes.length;

    // A second reader from the stream's start: every record delivered again to the same consumer.
    later(60_000);
    const again = new LocalStreamPoller({
      client: service.table.client,
      endpoint: service.table.endpoint,
      tableName: service.table.tableName,
      store: { applyFigures: async () => ({ applied: true }) },
      clock: fixedClock(new Date(clockAt).toISOString()),
      consumers: [service.outboundQueue],
    });
    try {
      await again.drain();
    } finally {
      again.stop();
    }
    expect(service.events.list()).toEqual(events);
    expect(flow.received.length).toBe(triggers);
    expect(metafields.writes.length).toBe(writes);
  });
});

describe('the outbound pipeline without a Shopify to reach (npm start without SHOPIFY_ADMIN_URL or tokens)', () => {
  it('publishes events to GET /dev/events, newest first, and leaves no metafield work waiting', async () => {
    const local = await testService('2026-06-01T12:00:00Z', { outbound: true, env: {} });
    const order = (id: number, at: string) => paidOrder({ id, customerId: 31, subtotal: '40.00', at });
    expect((await local.webhook('orders/paid', order(1, '2026-06-01T10:00:00Z'))).status).toBe(200);
    expect((await local.webhook('orders/paid', order(2, '2026-06-01T11:00:00Z'))).status).toBe(200);
    await local.outbound();

    const { events } = await json(await local.app.request('/dev/events'));
    const earned = events.filter((event: { type: string }) => event.type === 'points_earned');
    expect(earned.map((event: { data: { orderId: string } }) => event.data.orderId)).toEqual(['2', '1']);
    expect(local.outboundQueue.pending()).toEqual([]);
  });
});
