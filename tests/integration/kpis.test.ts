import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder, refund } from '../support/fixtures.ts';
import { json, proxyQuery, sessionToken, testService } from '../support/http.ts';

const NOW = '2026-01-28T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;

async function admin(path: string, init: RequestInit = {}) {
  // The figures follow the change stream: wait until it is read to its end.
  if (path.startsWith('/kpis')) await service.figures();
  const token = await sessionToken({ at: new Date(NOW) });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
}

const feedback = (customerId: string, body: unknown) =>
  service.app.request(`/proxy/member/feedback?${proxyQuery({ customerId, at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify(body) });

/**
 * The history, by hand:
 * - customer 1 signs up on 1 Jan (100 bonus), orders A 100.00 on 5 Jan and B 50.00 on 15 Jan,
 *   then 40.00 of A is refunded on 25 Jan (40 points back);
 * - customer 2 orders C 350.00 on 10 Jan and redeems free shipping (300 points) on 28 Jan;
 * - customer 3 orders D 80.00 on 20 Jan, cancelled on 21 Jan, and gets a +25 adjustment;
 * - survey: 10 and 6 from customer 1, 8 from customer 2, 3 "slow delivery" from customer 3.
 * Every webhook is delivered twice.
 */
beforeAll(async () => {
  service = await testService(NOW);
  const twice = async (topic: string, body: unknown) => {
    await service.webhook(topic, body);
    await service.webhook(topic, body);
  };
  await twice('customers/create', { id: 1, email: 'one@example.com', created_at: '2026-01-01T09:00:00Z', updated_at: '2026-01-01T09:00:00Z' });
  await twice('orders/paid', paidOrder({ id: 101, customerId: 1, subtotal: '100.00', at: '2026-01-05T10:00:00Z' }));
  await twice('orders/paid', paidOrder({ id: 102, customerId: 1, subtotal: '50.00', at: '2026-01-15T10:00:00Z' }));
  await twice('orders/paid', paidOrder({ id: 103, customerId: 2, subtotal: '350.00', at: '2026-01-10T10:00:00Z' }));
  const d = paidOrder({ id: 104, customerId: 3, subtotal: '80.00', at: '2026-01-20T10:00:00Z' });
  await twice('orders/paid', d);
  await twice('orders/cancelled', { ...d, cancelled_at: '2026-01-21T10:00:00Z' });
  await twice('refunds/create', refund({ id: 501, orderId: 101, subtotal: '40.00', at: '2026-01-25T10:00:00Z' }));
  expect((await service.redeem('2', 'free-shipping')).status).toBe(201);
  expect((await admin('/members/3/adjustments', { method: 'POST', body: JSON.stringify({ points: 25, reason: 'Goodwill' }) })).status).toBe(201);
  for (const [customer, body] of [
    ['1', { score: 10 }],
    ['2', { score: 8, comment: 'Nice' }],
    ['3', { score: 3, comment: 'slow delivery' }],
    ['1', { score: 6 }],
  ] as const) {
    expect((await feedback(customer, body)).status).toBe(201);
  }
});

describe('GET /admin/kpis', () => {
  it('matches the figures computed by hand', async () => {
    const kpis = await json(await admin('/kpis?from=2026-01-01&to=2026-01-31'));
    expect(kpis).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      currency: 'USD',
      members: 3,
      newMembers: 3,
      activeMembers: 3,
      buyers: 2, // D was cancelled
      repeatCustomers: 1,
      repeatPurchaseRate: 0.5,
      averageDaysBetweenOrders: 10,
      // Customer 3's only order was cancelled: not a buyer (cancelled orders are not counted).
      lifetime: { buyers: 2, repeatBuyers: 1, repeatCustomerRate: 0.5 },
      orders: 3,
      memberRevenue: '460.00', // 100 - 40 + 50 + 350
      averageOrderValue: '153.33',
      points: { earned: 580, bonus: 100, redeemed: 300, expired: 0, reversed: 120, adjusted: 25 },
      redemptions: 1,
      redemptionRate: 0.4412, // 300 / 680
      coupons: { issued: 1, used: 0, useRate: 0 },
      pointsLiability: { points: 285, pending: 0, value: '2.85' }, // 210 + 50 + 25, at 5 per 500 points
      tiers: { Bronze: 3, Silver: 0, Gold: 0 },
      fadingMembers: 0,
      nps: { score: -25, responses: 4, promoters: 1, passives: 1, detractors: 2 },
      complaints: 1,
    });
  });

  it('counts only the days asked for', async () => {
    const kpis = await json(await admin('/kpis?from=2026-01-12&to=2026-01-20'));
    expect(kpis).toMatchObject({ orders: 1, buyers: 1, repeatCustomers: 0, memberRevenue: '50.00', points: { earned: 130, reversed: 0 } });
  });

  it('answers 400 to a range it cannot read', async () => {
    expect((await admin('/kpis?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await admin('/kpis?from=2020-01-01&to=2026-01-01')).status).toBe(400);
    expect((await admin('/kpis?from=yesterday')).status).toBe(400);
  });

  it('records a storefront survey answer only from a signed-in customer, 0 to 10', async () => {
    expect((await feedback('1', { score: 11 })).status).toBe(400);
    expect((await service.app.request(`/proxy/member/feedback?${proxyQuery({ at: new Date(NOW) })}`, { method: 'POST', body: '{"score":9}' })).status).toBe(401);
  });
});
