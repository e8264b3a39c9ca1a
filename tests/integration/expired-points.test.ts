import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { json, testService } from '../support/http.ts';

describe('points past their date', () => {
  let service: Awaited<ReturnType<typeof testService>>;
  beforeAll(async () => {
    // A year and a month after the orders below: the first one's points expired on 1 May 2026.
    service = await testService('2026-06-01T12:00:00Z');
  });

  it('are neither shown nor spendable before the expire job reaches them, and expire once', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 11, subtotal: '600.00', at: '2025-05-01T10:00:00Z' }));
    await service.webhook('orders/paid', paidOrder({ id: 2, customerId: 11, subtotal: '350.00', at: '2026-05-20T10:00:00Z' }));

    expect(await service.member('11')).toMatchObject({ balance: 350 });
    // 950 points on the books, but only 350 still good: 500 for "5 off" is refused.
    expect((await service.redeem('11', 'five-off')).status).toBe(409);
    const redeemed = await service.redeem('11', 'free-shipping');
    expect(redeemed.status).toBe(201);
    expect(await json(redeemed)).toMatchObject({ balance: 50 });

    const job = await json(await service.app.request('/dev/jobs/expire?now=2026-06-01T13:00:00Z', { method: 'POST' }));
    expect(job).toMatchObject({ pointsExpired: 0 });
    const activity = await json(await service.proxy('/member/activity', { customerId: '11' }));
    const kinds = activity.entries.map((entry: { type: string; points: number }) => `${entry.type} ${entry.points}`);
    expect(kinds).toEqual(expect.arrayContaining(['expire -600', 'redeem -300']));
    expect(kinds.filter((kind: string) => kind.startsWith('expire'))).toHaveLength(1);
    expect(await service.member('11')).toMatchObject({ balance: 50 });
  });
});
