/**
 * The history import against the loopback fake of Shopify's bulk operations, over DynamoDB Local:
 * a year of orders before installation sets tiers and figures right, with no points by default and
 * with points when the program says so; it goes on across runs from the line it stopped at; run
 * again it adds nothing; and an order of that history found later (a late webhook, reconciliation)
 * earns nothing either.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_JOB, importHistory } from '../../shared/jobs/history-import.ts';
import { orderSourceFromEnv } from '../../shared/shopify/admin-config.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { addFakeOrders, sampleOrder, type FakeOrders } from '../support/fake-shopify-orders.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SHOP, sessionToken, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

const INSTALL = '2026-06-01T00:00:00Z';
const daysBefore = (days: number) => new Date(Date.parse(INSTALL) - days * 86_400_000).toISOString();
const log = { warn: () => undefined, error: () => undefined };

let fake: FakeShopifyAdmin;
let orders: FakeOrders;
let service: Service;
let env: Record<string, string>;

async function admin(path: string, init: RequestInit = {}) {
  const token = await sessionToken({ at: new Date(INSTALL) });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
}

beforeEach(async () => {
  await fake?.close();
  fake = await startFakeShopifyAdmin();
  orders = addFakeOrders(fake);
  env = { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: fake.token }) };
  service = await testService(INSTALL, { env });
  // A year of orders: Ann reaches Silver (300 + 300, then 100 at Silver's rate), Bob stays Bronze
  // (100, refunded 40), Cy's was cancelled; a guest's earns nothing; one from 400 days ago is out of the year.
  for (const order of [
    { id: 11, customerId: 8001, createdAt: daysBefore(300), subtotal: '300.00' },
    { id: 12, customerId: 8001, createdAt: daysBefore(200), subtotal: '300.00' },
    { id: 13, customerId: 8001, createdAt: daysBefore(100), subtotal: '100.00' },
    { id: 21, customerId: 8002, createdAt: daysBefore(50), subtotal: '100.00', status: 'PARTIALLY_REFUNDED', refunds: [{ id: 2101, createdAt: daysBefore(45), lines: [{ subtotal: '40.00' }] }] },
    { id: 31, customerId: 8003, createdAt: daysBefore(20), subtotal: '70.00', status: 'REFUNDED', cancelledAt: daysBefore(19) },
    { id: 41, customerId: null, createdAt: daysBefore(10), subtotal: '15.00' },
    { id: 51, customerId: 8001, createdAt: daysBefore(400), subtotal: '900.00' },
  ]) {
    orders.put(sampleOrder(order));
  }
  // The shop's admin is opened: the shop is known (and installed) from here.
  await admin('/program');
});
afterAll(() => fake?.close());

describe('the history import', () => {
  it('sets tiers and figures from a year of orders, with no points by default', async () => {
    const queued = (await json(await admin('/setup'))).history;
    const started = await service.job('import', INSTALL);
    const exporting = (await json(await admin('/setup'))).history;
    const done = await service.job('import', '2026-06-01T00:05:00Z');

    expect(queued).toEqual({ from: daysBefore(365), until: '2026-06-01T00:00:00.000Z', state: 'queued' });
    expect(exporting.state).toBe('exporting');
    expect((await json(await admin('/setup'))).history.state).toBe('done');
    expect(started).toMatchObject({ started: 1, waiting: 1, orders: 0 });
    expect(done).toMatchObject({ orders: 6, rejected: [], finished: 1, more: false }); // the guest's too (it earns nothing)
    expect([...orders.bulk.values()][0]!.query).toContain(`created_at:>='${daysBefore(365)}' AND created_at:<'2026-06-01T00:00:00.000Z'`);
    expect(await service.member('8001')).toMatchObject({ balance: 0, tier: 'Silver' });
    expect(await service.member('8002')).toMatchObject({ balance: 0, tier: 'Bronze', nextTier: { name: 'Silver', remaining: '440.00' } });
    expect(await service.member('8003')).toMatchObject({ balance: 0 });
    await service.figures();
    const kpis = await json(await admin(`/kpis?from=${daysBefore(360).slice(0, 10)}&to=2026-05-31`));
    expect(kpis).toMatchObject({ members: 3, orders: 4, buyers: 2, repeatCustomers: 1, memberRevenue: '760.00', points: { earned: 0 }, tiers: { Bronze: 2, Silver: 1, Gold: 0 } });
  });

  it('gives points too when the program says imported orders earn', async () => {
    const { program } = await json(await admin('/program'));
    expect(program.history).toEqual({ importedOrdersEarnPoints: false });
    expect((await admin('/program', { method: 'PUT', body: JSON.stringify({ ...program, history: { importedOrdersEarnPoints: true } }) })).status).toBe(200);

    await service.job('import', INSTALL);
    await service.job('import', '2026-06-01T00:05:00Z');

    expect(await service.member('8001')).toMatchObject({ balance: 725, tier: 'Silver' }); // 300 + 300 + 100 × 1.25
    expect(await service.member('8002')).toMatchObject({ balance: 60 });
    expect(await service.member('8003')).toMatchObject({ balance: 0 });
    // A program sent without the setting keeps it.
    const { history: _history, ...withoutHistory } = (await json(await admin('/program'))).program;
    expect((await admin('/program', { method: 'PUT', body: JSON.stringify(withoutHistory) })).status).toBe(200);
    expect((await json(await admin('/program'))).program.history).toEqual({ importedOrdersEarnPoints: true });
  });

  it('puts members in their tier without its reward coupon, then and after, unless imported orders earn', async () => {
    const { program } = await json(await admin('/program'));
    const tiers = program.tiers.map((tier: { name: string }) => (tier.name === 'Silver' ? { ...tier, rewardId: 'free-shipping' } : tier));
    expect((await admin('/program', { method: 'PUT', body: JSON.stringify({ ...program, tiers }) })).status).toBe(200);

    await service.job('import', INSTALL);
    await service.job('import', '2026-06-01T00:05:00Z');
    // An order after installation, in the tier the history gave.
    await service.webhook('orders/paid', paidOrder({ id: 71, customerId: 8001, subtotal: '20.00', at: '2026-06-01T08:00:00Z' }));

    expect(await service.store.getMember(SHOP, '8001')).toMatchObject({ tier: 'Silver', tierRewards: ['Silver'] });
    expect(await service.store.dueCoupons(new Date('2026-07-01T00:00:00Z'), 100)).toEqual([]);
  });

  it('grants the tier reward coupon from history when imported orders earn', async () => {
    const { program } = await json(await admin('/program'));
    const tiers = program.tiers.map((tier: { name: string }) => (tier.name === 'Silver' ? { ...tier, rewardId: 'free-shipping' } : tier));
    const body = { ...program, tiers, history: { importedOrdersEarnPoints: true } };
    expect((await admin('/program', { method: 'PUT', body: JSON.stringify(body) })).status).toBe(200);

    await service.job('import', INSTALL);
    await service.job('import', '2026-06-01T00:05:00Z');

    expect(await service.store.getMember(SHOP, '8001')).toMatchObject({ tier: 'Silver', tierRewards: ['Silver'] });
    expect(await service.store.dueCoupons(new Date('2026-07-01T00:00:00Z'), 100)).toHaveLength(1);
  });

  it('goes on from the line it stopped at, and adds nothing when run again', async () => {
    await service.job('import', INSTALL); // started
    const source = orderSourceFromEnv(env);
    let left = 2;
    const budget = { remains: () => left-- > 0 };

    const first = await importHistory(service.store, source, new Date('2026-06-01T00:05:00Z'), { budget, log });
    const stoppedAt = JSON.parse((await service.store.jobProgress(SHOP, HISTORY_JOB))!.cursor!);
    const rest = await importHistory(service.store, source, new Date('2026-06-01T00:10:00Z'), { log });
    // Run again from the start of the same file: every order is one the engine has.
    const progress = (await service.store.jobProgress(SHOP, HISTORY_JOB))!;
    await service.store.saveJobProgress(SHOP, HISTORY_JOB, { ...progress, cursor: JSON.stringify({ ...JSON.parse(progress.cursor!), line: 0 }), done: false });
    const again = await importHistory(service.store, source, new Date('2026-06-01T00:15:00Z'), { log });

    expect(first).toMatchObject({ orders: 1, more: true, finished: 0 });
    expect(stoppedAt.line).toBe(2); // order 11 and its one line item
    expect(rest).toMatchObject({ orders: 5, finished: 1 });
    expect(again).toMatchObject({ orders: 6, applied: 0, finished: 1 });
    expect(await service.member('8001')).toMatchObject({ balance: 0, tier: 'Silver' });
    expect(orders.bulk.size).toBe(1);
  });

  it('leaves orders of the history without points when a late webhook or the reconciliation finds them', async () => {
    orders.pollsToComplete = 1;
    await service.job('reconcile', INSTALL);
    // Order 13 changes in Shopify after installation (a note), so the reconciliation reads it; its webhook comes late.
    orders.put(sampleOrder({ id: 13, customerId: 8001, createdAt: daysBefore(100), updatedAt: '2026-06-01T06:00:00Z', subtotal: '100.00' }));
    const late = await json(await service.webhook('orders/paid', paidOrder({ id: 21, customerId: 8002, subtotal: '100.00', at: daysBefore(50) })));
    const run = await service.job('reconcile', '2026-06-01T07:00:00Z');

    expect(late.outcome).toBe('duplicate');
    expect(run.orders).toMatchObject({ orders: 1, applied: 0 });
    expect(await service.member('8001')).toMatchObject({ balance: 0, tier: 'Silver' });
    // An order after installation earns as usual.
    orders.put(sampleOrder({ id: 61, customerId: 8001, createdAt: '2026-06-01T08:00:00Z', subtotal: '20.00' }));
    expect((await service.job('reconcile', '2026-06-01T09:00:00Z')).orders.applied).toBe(1);
    expect(await service.member('8001')).toMatchObject({ balance: 25 }); // 20 × 1.25 (Silver)
  });
});
