/**
 * Reconciliation against the loopback fake of Shopify's Admin GraphQL API, over DynamoDB Local: a
 * missed `orders/paid` is recovered exactly once (a second run and a late webhook add nothing),
 * refunds and cancellations are recovered, throttled pages are gone on with, an order the engine
 * refuses is logged, answered and passed, a failure that may pass is read again, and the checkpoint
 * moves only past what was applied.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcileOrders, RECONCILE_JOB } from '../../shared/jobs/reconcile.ts';
import { orderSourceFromEnv } from '../../shared/shopify/admin-config.ts';
import type { LoyaltyStore } from '../../shared/store/ports.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { addFakeOrders, sampleOrder, type FakeOrders } from '../support/fake-shopify-orders.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SHOP, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

/** Installed at INSTALL (the history import finds nothing before it); orders come after. */
const INSTALL = '2026-05-01T00:00:00Z';
const DAY_AFTER = '2026-05-02T00:00:00Z';

let fake: FakeShopifyAdmin;
let orders: FakeOrders;
let service: Service;
let env: Record<string, string>;

const logs: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
const log = {
  warn: (message: string, attributes: Record<string, unknown>) => void logs.push({ level: 'warn', message, attributes }),
  error: (message: string, attributes: Record<string, unknown>) => void logs.push({ level: 'error', message, attributes }),
};

beforeEach(async () => {
  await fake?.close();
  fake = await startFakeShopifyAdmin();
  orders = addFakeOrders(fake);
  orders.pollsToComplete = 1;
  env = { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: fake.token }) };
  service = await testService(INSTALL, { env });
  logs.length = 0;
  // The shop is known (its first webhook) and installed: its history import ends here, with nothing.
  await service.webhook('customers/create', { id: 1, email: 'first@example.com', created_at: INSTALL, updated_at: INSTALL });
  const install = await service.job('reconcile', INSTALL);
  expect(install.history).toMatchObject({ started: 1, finished: 1 });
});
afterAll(() => fake?.close());

describe('reconciliation', () => {
  it('recovers a missed orders/paid exactly once: a second run and the late webhook add nothing', async () => {
    // Prepare: order 101 arrives by webhook; order 102's webhook is lost. Shopify has both.
    const seen = paidOrder({ id: 101, customerId: 7001, subtotal: '120.00', at: '2026-05-01T10:00:00Z' });
    const missed = paidOrder({ id: 102, customerId: 7001, subtotal: '80.50', at: '2026-05-01T11:00:00Z' });
    expect((await json(await service.webhook('orders/paid', seen))).points).toBe(120);
    orders.put(sampleOrder({ id: 101, customerId: 7001, createdAt: '2026-05-01T10:00:00Z', subtotal: '120.00' }));
    orders.put(sampleOrder({ id: 102, customerId: 7001, createdAt: '2026-05-01T11:00:00Z', subtotal: '80.50' }));

    // Act: reconcile twice, then the late webhook.
    const first = await service.job('reconcile', DAY_AFTER);
    const second = await service.job('reconcile', '2026-05-02T01:00:00Z');
    const late = await json(await service.webhook('orders/paid', missed));

    // Assess
    expect(first.orders).toMatchObject({ orders: 2, applied: 1, rejected: [], failed: 0, more: false });
    expect(second.orders).toMatchObject({ applied: 0 });
    expect(late.outcome).toBe('duplicate');
    expect(await service.member('7001')).toMatchObject({ balance: 200, enrolled: true });
    const activity = await json(await service.proxy('/member/activity', { customerId: '7001' }));
    expect(activity.entries.filter((entry: { orderId?: string }) => entry.orderId === '102')).toHaveLength(1);
  });

  it('gives a reconciled order exactly what its webhooks give: taxes included, a gift card, a refund', async () => {
    // Prepare: the same order and refund, by webhook in one shop's service and only in Shopify for the other.
    const byWebhook = await testService(INSTALL, { env });
    await byWebhook.webhook('customers/create', { id: 1, email: 'first@example.com', created_at: INSTALL, updated_at: INSTALL });
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' } });
    const at = '2026-05-01T10:00:00Z';
    const webhookOrder = {
      ...paidOrder({ id: 601, customerId: 7601, subtotal: '130.00', at, taxesIncluded: true }),
      line_items: [
        { id: 1, price: '55.00', price_set: set('55.00'), quantity: 2, gift_card: false, discount_allocations: [{ amount: '10.00', amount_set: set('10.00') }], tax_lines: [{ price: '16.67', price_set: set('16.67') }] },
        { id: 2, price: '30.00', price_set: set('30.00'), quantity: 1, gift_card: true, discount_allocations: [], tax_lines: [] },
      ],
    };
    const webhookRefund = { id: 9601, order_id: 601, created_at: '2026-05-01T12:00:00Z', processed_at: '2026-05-01T12:00:00Z', refund_line_items: [{ subtotal: 50, subtotal_set: set('50.00'), total_tax: 8.33, total_tax_set: set('8.33'), line_item: { gift_card: false } }] };
    await byWebhook.webhook('orders/paid', webhookOrder);
    await byWebhook.webhook('refunds/create', webhookRefund);
    orders.put({
      ...sampleOrder({
        id: 601,
        customerId: 7601,
        createdAt: at,
        updatedAt: '2026-05-01T12:00:00Z',
        status: 'PARTIALLY_REFUNDED',
        subtotal: '130.00',
        taxesIncluded: true,
        lines: [
          { price: '55.00', quantity: 2, discount: '10.00', tax: '16.67' },
          { price: '30.00', giftCard: true },
        ],
        refunds: [{ id: 9601, createdAt: '2026-05-01T12:00:00Z', lines: [{ subtotal: '50.00', tax: '8.33' }] }],
      }),
      customer: { id: 'gid://shopify/Customer/7601', createdAt: at, updatedAt: at, firstName: null, lastName: null, defaultEmailAddress: { emailAddress: 'ann@example.com', marketingState: 'SUBSCRIBED', marketingUpdatedAt: null }, defaultPhoneNumber: null },
    });

    // Act
    await service.job('reconcile', DAY_AFTER);

    // Assess: (130 - 30 gift card - 16.67 tax) = 83 points, less (50 - 8.33) / 83.33 of them.
    const viaWebhook = await byWebhook.member('7601');
    const viaReconciliation = await service.member('7601');
    expect(viaReconciliation).toEqual(viaWebhook);
    expect(viaReconciliation.balance).toBe(42);
    const activity = async (of: Service) => (await json(await of.proxy('/member/activity', { customerId: '7601' }))).entries.map(({ recordedAt: _r, ...entry }: Record<string, unknown>) => entry);
    expect(await activity(service)).toEqual(await activity(byWebhook));
  });

  it('reads the line items of an order past what a page holds (a gift card on line 55 earns nothing)', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => (i === 54 ? { price: '40.00', giftCard: true } : { price: '1.00' }));
    orders.put(sampleOrder({ id: 701, customerId: 7701, createdAt: '2026-05-01T10:00:00Z', subtotal: '99.00', lines }));

    const run = await service.job('reconcile', DAY_AFTER);

    expect(run.orders).toMatchObject({ orders: 1, applied: 1 });
    expect(fake.calls.filter((call) => call.query.includes('query orderLineItems')).map((call) => call.variables)).toEqual([{ id: 'gid://shopify/Order/701', after: '50' }]);
    expect((await service.member('7701')).balance).toBe(59); // 99 less the 40.00 gift card
  });

  it('recovers refunds and cancellations the webhooks missed', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 201, customerId: 7101, subtotal: '100.00', at: '2026-05-01T10:00:00Z' }));
    await service.webhook('orders/paid', paidOrder({ id: 202, customerId: 7101, subtotal: '50.00', at: '2026-05-01T10:30:00Z' }));
    orders.put(sampleOrder({ id: 201, customerId: 7101, createdAt: '2026-05-01T10:00:00Z', updatedAt: '2026-05-01T12:00:00Z', status: 'PARTIALLY_REFUNDED', subtotal: '100.00', refunds: [{ id: 9201, createdAt: '2026-05-01T12:00:00Z', lines: [{ subtotal: '40.00' }] }] }));
    orders.put(sampleOrder({ id: 202, customerId: 7101, createdAt: '2026-05-01T10:30:00Z', updatedAt: '2026-05-01T13:00:00Z', status: 'REFUNDED', cancelledAt: '2026-05-01T13:00:00Z', subtotal: '50.00' }));

    const run = await service.job('reconcile', DAY_AFTER);

    expect(run.orders).toMatchObject({ orders: 2, applied: 2 });
    expect(await service.member('7101')).toMatchObject({ balance: 60 });
    expect((await service.job('reconcile', DAY_AFTER)).orders.applied).toBe(0);
  });

  it('goes on with throttled pages on the next run, and sizes pages by their query cost', async () => {
    for (let i = 0; i < 130; i++) orders.put(sampleOrder({ id: 3000 + i, customerId: 7200 + (i % 13), createdAt: new Date(Date.parse('2026-05-01T01:00:00Z') + i * 60_000).toISOString(), subtotal: '10.00' }));
    orders.throttleCalls = [orders.queries + 2]; // the second page of the first run is throttled

    const first = await service.job('reconcile', DAY_AFTER);
    const progress = await service.store.jobProgress(SHOP, RECONCILE_JOB);
    const second = await service.job('reconcile', '2026-05-02T00:15:00Z');
    const third = await service.job('reconcile', '2026-05-02T00:30:00Z');

    // The install's run priced a page of 50 at 602 of 1000: pages of 74 since.
    expect(first.orders).toMatchObject({ orders: 74, applied: 74, more: true });
    expect(first.orders.waiting).toEqual([{ shop: SHOP, reason: expect.stringContaining('throttled') }]);
    // The checkpoint went past the first page, less the overlap: its last order was updated at 02:13.
    expect(progress?.cursor).toBe('2026-05-01T02:08:00.000Z');
    expect(second.orders).toMatchObject({ applied: 56, more: false });
    expect(third.orders.applied).toBe(0);
    for (let c = 0; c < 13; c++) expect((await service.member(String(7200 + c))).balance).toBe(10 * (c < 130 % 13 ? 11 : 10));
    // The first page asked for 50 orders; later pages as many as stay under the cost limit.
    expect(orders.pages[0]!.first).toBe(50);
    expect(orders.pages.slice(1).every((page) => page.first === 74)).toBe(true);
    expect(orders.pages.every((page) => 2 + page.first * 12 <= 1000)).toBe(true);
    expect(orders.pages.at(-1)!.query).toBe("updated_at:>='2026-05-01T03:04:00.000Z'");
  });

  it('logs, answers and passes an order the engine refuses for good', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 401, customerId: 7301, subtotal: '10.00', at: '2026-05-01T09:00:00Z' })); // the shop counts in USD
    orders.put(sampleOrder({ id: 402, customerId: 7301, createdAt: '2026-05-01T10:00:00Z', subtotal: '30.00', currency: 'EUR' }));
    orders.put({ ...sampleOrder({ id: 403, customerId: 7301, createdAt: '2026-05-01T10:30:00Z', subtotal: '30.00' }), subtotalPriceSet: { shopMoney: { amount: '3O.00', currencyCode: 'USD' } } });
    orders.put(sampleOrder({ id: 404, customerId: 7301, createdAt: '2026-05-01T11:00:00Z', subtotal: '25.00' }));

    const run = await reconcileOrders(service.store, orderSourceFromEnv(env), new Date(DAY_AFTER), { log });
    const again = await reconcileOrders(service.store, orderSourceFromEnv(env), new Date('2026-05-02T01:00:00Z'), { log });

    expect(run.rejected).toEqual([
      { shop: SHOP, orderId: '402', reason: expect.stringContaining('currency-mismatch') },
      { shop: SHOP, orderId: '403', reason: expect.stringContaining('subtotalPriceSet is not a money amount') },
    ]);
    expect(run).toMatchObject({ orders: 3, applied: 1, failed: 0 });
    expect(logs.filter((line) => line.level === 'error').map((line) => line.attributes.orderId)).toEqual(['402', '403']);
    expect(await service.member('7301')).toMatchObject({ balance: 35 });
    // The checkpoint passed them: the next run reads only the overlap after the last order.
    expect(again.rejected).toEqual([]);
    expect((await service.store.jobProgress(SHOP, RECONCILE_JOB))?.cursor).toBe('2026-05-01T10:55:00.000Z');
  });

  it('reads again, on the next run, an order a passing failure stopped at', async () => {
    orders.put(sampleOrder({ id: 501, customerId: 7401, createdAt: '2026-05-01T10:00:00Z', subtotal: '20.00' }));
    orders.put(sampleOrder({ id: 502, customerId: 7402, createdAt: '2026-05-01T11:00:00Z', subtotal: '30.00' }));
    orders.put(sampleOrder({ id: 503, customerId: 7403, createdAt: '2026-05-01T12:00:00Z', subtotal: '40.00' }));
    const busy = busyOnce(service.store, '7402');

    const run = await reconcileOrders(busy, orderSourceFromEnv(env), new Date(DAY_AFTER), { log });
    const checkpoint = (await service.store.jobProgress(SHOP, RECONCILE_JOB))?.cursor;
    const next = await reconcileOrders(service.store, orderSourceFromEnv(env), new Date(DAY_AFTER), { log });

    expect(run).toMatchObject({ orders: 1, applied: 1, failed: 1 });
    expect(logs.some((line) => line.level === 'error' && /tries again/.test(line.message))).toBe(true);
    expect(checkpoint).toBe('2026-05-01T09:55:00.000Z'); // order 501 applied, 502 not passed
    expect(next).toMatchObject({ orders: 3, applied: 2, failed: 0 });
    expect([(await service.member('7401')).balance, (await service.member('7402')).balance, (await service.member('7403')).balance]).toEqual([20, 30, 40]);
  });

  it('waits, without failing, for a shop whose Shopify answers 503', async () => {
    orders.failNext = 1;
    const run = await service.job('reconcile', DAY_AFTER);
    expect(run.orders).toMatchObject({ failed: 0, more: true, waiting: [{ shop: SHOP, reason: 'Shopify answered 503' }] });
  });
});

/** The store, whose first commit for `customerId` fails as a busy DynamoDB would. */
function busyOnce(store: LoyaltyStore, customerId: string): LoyaltyStore {
  let failed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'commit' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (request: { change: { member?: { customerId: string } } }) => {
        if (!failed && request.change.member?.customerId === customerId) {
          failed = true;
          throw Object.assign(new Error('Throughput exceeds the current capacity of your table'), { name: 'ProvisionedThroughputExceededException' });
        }
        return value.call(target, request);
      };
    },
  });
}
