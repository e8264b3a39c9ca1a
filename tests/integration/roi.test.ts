/**
 * "Does it pay?" end to end: webhooks and redemptions in, the change stream drained, and
 * `GET /admin/roi` per month, against figures worked out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { defaultRewards, parseProgram } from '../../shared/program/program.ts';
import { ShopifyAdminClient } from '../../shared/shopify/admin-graphql.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { json, SHOP, sessionToken, testService } from '../support/http.ts';

const NOW = '2026-06-15T12:00:00Z';
let fake: FakeShopifyAdmin;
let service: Awaited<ReturnType<typeof testService>>;

async function admin(path: string) {
  await service.figures();
  const token = await sessionToken({ at: new Date(NOW) });
  return service.app.request(`/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function delivered(topic: string, body: unknown, twice = false) {
  expect((await service.webhook(topic, body)).status).toBe(200);
  // Delivered again: the figures count it once.
  if (twice) expect((await service.webhook(topic, body)).status).toBe(200);
}

/**
 * By hand (USD, default earning 1 point per dollar):
 * - customer 1: order 101 on 2 Apr, 600.00; redeems "5 off" on 10 Apr; order 102 on 5 May, 100.00
 *   with that code (5.00 off) and the shop's own SPRING10 (10.00 off, not a reward's cost): from
 *   then on, a member who uses the program;
 * - customer 2: order 201 on 3 Apr, 200.00; order 202 on 6 May, 50.00, 20.00 of it refunded: a
 *   comparable customer (ordered before, never redeemed);
 * - customer 3: first order 301 on 8 May, 80.00; customer 5: order 501 on 9 May, cancelled;
 * - customer 4: first order 401 on 10 May, 1200.00; redeems 10.00 of store credit on 11 May;
 * - a guest (with an email) orders 40.00 on 12 May.
 * The order with the code and the refund are delivered twice.
 */
beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 300 });
  service = await testService(NOW, { discounts });
  const program = parseProgram({ rewards: [...defaultRewards, { id: 'ten-credit', name: '10 USD store credit', kind: 'store_credit', cost: 1000, value: 10 }] });
  await service.store.ensureShop({ ...newShop(SHOP, new Date(NOW), 'USD'), program });

  await delivered('orders/paid', paidOrder({ id: 101, customerId: 1, subtotal: '600.00', at: '2026-04-02T10:00:00Z' }));
  await delivered('orders/paid', paidOrder({ id: 201, customerId: 2, subtotal: '200.00', at: '2026-04-03T10:00:00Z' }));
  service.setNow('2026-04-10T09:00:00Z');
  const coupon = await json(await service.redeem('1', 'five-off'));
  expect(coupon.code).toEqual(expect.any(String));
  await delivered('orders/paid', { ...paidOrder({ id: 102, customerId: 1, subtotal: '100.00', at: '2026-05-05T10:00:00Z' }), discount_codes: [{ code: coupon.code, amount: '5.00', type: 'fixed_amount' }, { code: 'SPRING10', amount: '10.00', type: 'fixed_amount' }] }, true);
  await delivered('orders/paid', paidOrder({ id: 202, customerId: 2, subtotal: '50.00', at: '2026-05-06T10:00:00Z' }));
  await delivered('refunds/create', refund({ id: 902, orderId: 202, subtotal: '20.00', at: '2026-05-07T10:00:00Z' }), true);
  await delivered('orders/paid', paidOrder({ id: 301, customerId: 3, subtotal: '80.00', at: '2026-05-08T10:00:00Z' }));
  const cancelled = paidOrder({ id: 501, customerId: 5, subtotal: '70.00', at: '2026-05-09T10:00:00Z' });
  await delivered('orders/paid', cancelled);
  await delivered('orders/cancelled', { ...cancelled, cancelled_at: '2026-05-09T12:00:00Z' });
  await delivered('orders/paid', paidOrder({ id: 401, customerId: 4, subtotal: '1200.00', at: '2026-05-10T10:00:00Z' }));
  service.setNow('2026-05-11T09:00:00Z');
  expect(await json(await service.redeem('4', 'ten-credit'))).toMatchObject({ kind: 'store_credit', status: 'issued' });
  await delivered('orders/paid', { ...paidOrder({ id: 601, customerId: null, subtotal: '40.00', at: '2026-05-12T10:00:00Z' }), email: 'guest@example.com' });
  service.setNow(NOW);
});
afterAll(() => fake.close());

describe('GET /admin/roi', () => {
  it('compares members who use the program with comparable customers, month by month', async () => {
    const response = await admin('/roi?from=2026-04&to=2026-06');
    expect(response.status).toBe(200);
    const roi = await json(response);
    expect(roi).toMatchObject({ from: '2026-04', to: '2026-06', currency: 'USD', pointValue: { rewardId: 'five-off', points: 500, minor: 500 } });
    const [april, may, june] = roi.months;

    // April: two first orders, both customers back within 90 days.
    expect(april.firstOrders).toEqual({ customers: 2, orders: 2, revenueMinor: 80000, revenuePerCustomerMinor: 40000, repeatCustomers: 2, repeatRate: 1 });
    expect(april.members.customers).toBe(0);

    // May: customer 1's order after the redemption; customer 2's, net of the refund; the cancelled order nowhere.
    expect(may.members).toEqual({ customers: 1, orders: 1, revenueMinor: 10000, revenuePerCustomerMinor: 10000, repeatCustomers: 0, repeatRate: 0 });
    expect(may.nonMembers).toEqual({ customers: 1, orders: 1, revenueMinor: 3000, revenuePerCustomerMinor: 3000, repeatCustomers: 0, repeatRate: 0 });
    expect(may.firstOrders).toMatchObject({ customers: 2, orders: 2, revenueMinor: 128000 });
    expect(may.allCustomers).toMatchObject({ customers: 4, orders: 4, revenueMinor: 141000 });
    expect(may.guests).toEqual({ orders: 1, revenueMinor: 4000 });
    expect(may.beforeProgram).toBeNull();
    expect(may.repeatRateFinal).toBe(false);

    // Our code's 5.00 on order 102 (not the shop's SPRING10), and the 10.00 of store credit Shopify took.
    expect(may.rewardCostMinor).toEqual({ discounts: 500, storeCredit: 1000, total: 1500 });
    expect(may.rewardCostShareOfMemberRevenue).toBe(0.15);
    expect(april.rewardCostMinor.total).toBe(0);
    expect(june.allCustomers.orders).toBe(0);

    expect(roi.totals).toMatchObject({ spendRatio: 3.33, members: { customerMonths: 1, revenueMinor: 10000 }, nonMembers: { customerMonths: 1, revenueMinor: 3000 } });
    expect(roi.method).toMatch(/self-selection/);
  });

  it('values the points held at each month’s end, worked back from today’s by the points moved since', async () => {
    const roi = await json(await admin('/roi?from=2026-04&to=2026-06'));
    const [april, may, june] = roi.months;
    const kpis = await json(await admin('/kpis?from=2026-05-01&to=2026-05-31'));
    const now = await json(await admin('/kpis'));
    expect(june.liabilityPoints).toBe(now.pointsLiability.points + now.pointsLiability.pending);
    expect(may.liabilityPoints).toBe(june.liabilityPoints); // nothing moved in June
    const p = kpis.points;
    expect(april.liabilityPoints).toBe(may.liabilityPoints - (p.earned + p.bonus + p.adjusted - p.redeemed - p.expired - p.reversed));
    // 600 and 200 earned, less 500 redeemed in April.
    expect(april.liabilityPoints).toBe(300);
    expect(april.liabilityMinor).toBe(300); // a point is worth 1 cent (5.00 for 500 points)
  });

  it('defaults to the twelve months up to this one', async () => {
    const roi = await json(await admin('/roi'));
    expect(roi.months.map((m: { month: string }) => m.month)).toEqual(['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
  });

  it('answers a bad month or range with problem+json naming the field', async () => {
    for (const [query, path] of [['from=2026-13&to=2026-06', 'from'], ['from=2026-01&to=june', 'to'], ['from=2026-06&to=2026-01', 'from'], ['from=2023-01&to=2026-01', 'from']] as const) {
      const response = await admin(`/roi?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await json(response)).problems).toEqual([{ path, message: expect.any(String) }]);
    }
  });

  it('needs the session token', async () => {
    const response = await service.app.request('/admin/roi');
    expect(response.status).toBe(401);
  });
});
