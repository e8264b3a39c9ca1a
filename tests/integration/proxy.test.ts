import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { json, proxyQuery, SHOP, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

describe('the storefront, behind the App Proxy', () => {
  let service: Service;
  beforeAll(async () => {
    service = await testService('2026-06-01T12:00:00Z');
    for (let i = 0; i < 5; i++) {
      await service.webhook('orders/paid', paidOrder({ id: 100 + i, customerId: 5001, subtotal: '120.00', at: `2026-05-0${i + 1}T10:00:00Z` }));
    }
  });

  it('shows the public program to guests', async () => {
    const response = await service.proxy('/program');
    expect(response.status).toBe(200);
    const program = await json(response);
    expect(program.earning).toEqual({ pointsPerUnit: 1 });
    expect(program.tiers.map((t: any) => [t.name, t.minSpend, t.multiplier])).toEqual([
      ['Bronze', '0.00', 1],
      ['Silver', '500.00', 1.25],
      ['Gold', '1500.00', 1.5],
    ]);
    expect(program.rewards.map((r: any) => [r.id, r.cost])).toEqual([
      ['five-off', 500],
      ['ten-percent-off', 1000],
      ['free-shipping', 300],
    ]);
  });

  it('shows the logged-in member their balance, tier, next tier, expiring lots and affordable rewards', async () => {
    const member = await service.member('5001');
    // 4 orders at x1 (480 spent before the 5th), the 5th still at x1: Silver needs 500 before the order's day.
    expect(member.balance).toBe(600);
    expect(member.pending).toBe(0);
    expect(member.tier).toBe('Silver');
    expect(member.nextTier).toMatchObject({ name: 'Gold', remaining: '900.00' });
    expect(member.expiring[0]).toEqual({ points: 120, expiresAt: '2027-05-01T10:00:00.000Z' });
    expect(member.rewards.map((r: any) => [r.id, r.affordable])).toEqual([
      ['five-off', true],
      ['ten-percent-off', false],
      ['free-shipping', true],
    ]);
  });

  it('shows a signed-in customer with no history an empty standing', async () => {
    expect(await service.member('5999')).toMatchObject({ balance: 0, tier: 'Bronze', enrolled: false, expiring: [] });
  });

  it('pages the activity newest first with a cursor', async () => {
    const first = await json(await service.proxy('/member/activity', { customerId: '5001', extra: { limit: '2' } }));
    expect(first.entries.map((e: any) => e.orderId)).toEqual(['104', '103']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json(await service.proxy('/member/activity', { customerId: '5001', extra: { limit: '2', cursor: first.nextCursor } }));
    expect(second.entries.map((e: any) => e.orderId)).toEqual(['102', '101']);
    const last = await json(await service.proxy('/member/activity', { customerId: '5001', extra: { limit: '2', cursor: second.nextCursor } }));
    expect(last.entries.map((e: any) => e.orderId)).toEqual(['100']);
    expect(last.nextCursor).toBeNull();
  });

  it('answers 400 to a cursor it did not give out', async () => {
    const response = await service.proxy('/member/activity', { customerId: '5001', extra: { cursor: 'bm9wZQ' } });
    expect(response.status).toBe(400);
  });

  it('answers 401 to guests asking for a member', async () => {
    for (const path of ['/member', '/member/activity']) {
      const response = await service.proxy(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('answers 401 to a missing, forged or stale signature', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const unsigned = await service.app.request(`/proxy/member?shop=${SHOP}&logged_in_customer_id=5001&timestamp=${now.getTime() / 1000}`);
    expect(unsigned.status).toBe(401);
    const forged = await service.app.request(`/proxy/member?${proxyQuery({ customerId: '5001', at: now, secret: 'guess' })}`);
    expect(forged.status).toBe(401);
    const tampered = proxyQuery({ customerId: '5001', at: now }).replace('logged_in_customer_id=5001', 'logged_in_customer_id=5002');
    expect((await service.app.request(`/proxy/member?${tampered}`)).status).toBe(401);
    const stale = await service.app.request(`/proxy/member?${proxyQuery({ customerId: '5001', at: new Date(now.getTime() - 301_000) })}`);
    expect(stale.status).toBe(401);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
  });

  it('makes a shop known at its first signed request, with the default program', async () => {
    const response = await service.proxy('/program', { shop: 'brand-new.myshopify.com' });
    expect(response.status).toBe(200);
    expect(await service.store.getShop('brand-new.myshopify.com')).toMatchObject({ active: true, programVersion: 1 });
  });

  it('answers 404 problem+json to an unknown route', async () => {
    const response = await service.app.request('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
