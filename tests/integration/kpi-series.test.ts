/** `GET /admin/kpis/series`: the program's figures per day, week or month, over signed webhooks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketsOf } from '../../shared/kpis/series.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, testService } from '../support/http.ts';

const NOW = '2026-02-10T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;

async function admin(path: string, init: RequestInit = {}) {
  // The figures follow the change stream: wait until it is read to its end.
  if (path.startsWith('/kpis')) await service.figures();
  const token = await sessionToken({ at: new Date(NOW) });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
}

/**
 * Customer 1 joins 1 Jan (100 bonus) and orders 100.00 on 5 Jan and 50.00 on 15 Jan; customer 2
 * orders 350.00 on 10 Jan (joining then) and redeems free shipping (300 points) on 10 Feb; customer
 * 3 joins on 3 Feb.
 */
beforeAll(async () => {
  service = await testService(NOW);
  const deliver = async (topic: string, body: unknown) => expect((await service.webhook(topic, body)).status).toBe(200);
  await deliver('customers/create', { id: 1, email: 'one@example.com', created_at: '2026-01-01T09:00:00Z', updated_at: '2026-01-01T09:00:00Z' });
  await deliver('orders/paid', paidOrder({ id: 101, customerId: 1, subtotal: '100.00', at: '2026-01-05T10:00:00Z' }));
  await deliver('orders/paid', paidOrder({ id: 102, customerId: 1, subtotal: '50.00', at: '2026-01-15T10:00:00Z' }));
  await deliver('orders/paid', paidOrder({ id: 103, customerId: 2, subtotal: '350.00', at: '2026-01-10T10:00:00Z' }));
  await deliver('customers/create', { id: 3, email: 'three@example.com', created_at: '2026-02-03T09:00:00Z', updated_at: '2026-02-03T09:00:00Z' });
  expect((await service.redeem('2', 'free-shipping')).status).toBe(201);
});

describe('GET /admin/kpis/series', () => {
  it('answers the figures of each week, and members at the end of each', async () => {
    const series = await json(await admin('/kpis/series?from=2026-01-01&to=2026-01-18&interval=week'));

    expect(series.currency).toBe('USD');
    expect(series.interval).toBe('week');
    expect(series.tiers).toEqual({ Bronze: 3, Silver: 0, Gold: 0 });
    expect(series.points.map((p: any) => [p.from, p.to])).toEqual([
      ['2026-01-01', '2026-01-04'],
      ['2026-01-05', '2026-01-11'],
      ['2026-01-12', '2026-01-18'],
    ]);
    expect(series.points.map((p: any) => p.newMembers)).toEqual([1, 1, 0]);
    expect(series.points.map((p: any) => p.membersAtEnd)).toEqual([1, 2, 2]);
    expect(series.points.map((p: any) => p.orders)).toEqual([0, 2, 1]);
    expect(series.points.map((p: any) => p.memberRevenue)).toEqual(['0.00', '450.00', '50.00']);
    expect(series.points.map((p: any) => p.points.earned)).toEqual([0, 450, 50]);
    expect(series.points.map((p: any) => p.points.bonus)).toEqual([100, 0, 0]);
    expect(series.points[0]).not.toHaveProperty('currency');
  });

  it('sums to what GET /admin/kpis answers for the whole range', async () => {
    const range = 'from=2026-01-01&to=2026-02-10';
    const [series, whole] = await Promise.all([json(await admin(`/kpis/series?${range}&interval=day`)), json(await admin(`/kpis?${range}`))]);

    expect(series.points).toHaveLength(41);
    const total = (pick: (p: any) => number) => series.points.reduce((sum: number, p: any) => sum + pick(p), 0);
    expect(total((p) => p.orders)).toBe(whole.orders);
    expect(total((p) => p.newMembers)).toBe(whole.newMembers);
    expect(total((p) => p.points.redeemed)).toBe(300);
    expect(total((p) => p.points.redeemed)).toBe(whole.points.redeemed);
    expect(series.points.at(-1).membersAtEnd).toBe(3);
  });

  it('cuts months at the calendar and the range', async () => {
    const series = await json(await admin('/kpis/series?from=2026-01-20&to=2026-02-10&interval=month'));

    expect(series.points.map((p: any) => [p.from, p.to, p.newMembers])).toEqual([
      ['2026-01-20', '2026-01-31', 0],
      ['2026-02-01', '2026-02-10', 1],
    ]);
  });

  it.each([
    ['interval=hour', 'interval is one of day, week, month'],
    ['from=2026-13-01&to=2026-12-31', 'from and to are days, YYYY-MM-DD'],
    ['from=2026-02-01&to=2026-01-01', 'from comes after to'],
    ['from=2024-01-01&to=2026-01-01&interval=month', 'a range is at most 366 days'],
  ])('answers 400 problem+json to %s', async (query, detail) => {
    const response = await admin(`/kpis/series?${query}`);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(response)).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-request', detail });
  });

  it('answers 401 without a session token', async () => {
    const response = await service.app.request('/admin/kpis/series');

    expect(response.status).toBe(401);
  });
});

describe('buckets', () => {
  it('start weeks on Monday and cover every day once', () => {
    const weeks = bucketsOf('2026-01-01', '2026-01-31', 'week');

    expect(weeks.map((w) => w.from)).toEqual(['2026-01-01', '2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26']);
    expect(weeks.flatMap((w) => w.days)).toHaveLength(31);
  });
});

describe('GET /admin/members/:customerId', () => {
  it('lists the member’s coupons with their status', async () => {
    const member = await json(await admin('/members/2'));

    expect(member.coupons).toHaveLength(1);
    expect(member.coupons[0]).toMatchObject({ rewardId: 'free-shipping', points: 300, source: 'redemption', status: expect.stringMatching(/^(pending|issued)$/), attempts: expect.any(Number) });
    expect(member.coupons[0].code).toMatch(/^[A-Z0-9-]+$/);
  });
});
