import { describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { rerateTiers } from '../../shared/jobs/tiers.ts';
import { parseProgram } from '../../shared/program/program.ts';
import type { LoyaltyStore } from '../../shared/store/ports.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;
let nextOrder = 1;

/** A shop with the default tiers (Bronze from 0, Silver from 500, Gold from 1,500 in the last 365 days). */
async function shopIn(service: Service, shop: string) {
  await service.store.ensureShop({ ...newShop(shop, new Date('2025-01-01T00:00:00Z'), 'USD'), program: parseProgram({}) });
  return shop;
}

async function order(service: Service, shop: string, customerId: number, subtotal: string, at: string) {
  service.setNow(at);
  expect((await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId, subtotal, at }), { shop })).status).toBe(200);
}

/** The admin's member list of one tier, as the shop's admin sees it at `at`. */
async function listed(service: Service, shop: string, tier: string, at: string): Promise<string[]> {
  service.setNow(at);
  const token = await sessionToken({ shop, at: new Date(at) });
  const response = await service.app.request(`/admin/members?tier=${tier}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await json(response)).members.map((member: { customerId: string }) => member.customerId).sort();
}

/** What the member's own answer (the storefront) says the tier is at `at`. */
async function ownTier(service: Service, shop: string, customerId: number, at: string): Promise<string> {
  service.setNow(at);
  return (await service.member(String(customerId), shop)).tier;
}

describe('the tiers job', () => {
  it('lowers a tier once its spend leaves the 365-day window, with no new event, so the members list agrees with the member', async () => {
    const service = await testService('2025-03-01T00:00:00Z');
    const shop = await shopIn(service, 'tiers-1.myshopify.com');
    await order(service, shop, 1, '1600.00', '2025-03-01T00:00:00Z'); // Gold; nothing after it
    await order(service, shop, 2, '1600.00', '2025-03-01T00:00:00Z'); // Gold, then 600 more in December
    await order(service, shop, 2, '600.00', '2025-12-01T00:00:00Z');
    await order(service, shop, 3, '1600.00', '2025-09-01T00:00:00Z'); // Gold, well inside the window
    expect(await listed(service, shop, 'Gold', '2026-02-28T00:00:00Z')).toEqual(['1', '2', '3']);

    // Inside the window, nothing to do.
    expect(await service.job('tiers', '2026-02-28T12:00:00Z')).toMatchObject({ checked: 3, downgraded: 0, more: false });

    // A day past it: the member's own answer has gone down already; the stored tier has not.
    expect(await ownTier(service, shop, 1, '2026-03-02T00:00:00Z')).toBe('Bronze');
    expect(await ownTier(service, shop, 2, '2026-03-02T00:00:00Z')).toBe('Silver');
    expect(await listed(service, shop, 'Gold', '2026-03-02T00:00:00Z')).toEqual(['1', '2', '3']);

    expect(await service.job('tiers', '2026-03-02T01:00:00Z')).toMatchObject({ checked: 3, downgraded: 2, more: false });

    expect(await listed(service, shop, 'Gold', '2026-03-02T02:00:00Z')).toEqual(['3']);
    expect(await listed(service, shop, 'Silver', '2026-03-02T02:00:00Z')).toEqual(['2']);
    expect(await listed(service, shop, 'Bronze', '2026-03-02T02:00:00Z')).toEqual(['1']);
    for (const [customerId, tier] of [[1, 'Bronze'], [2, 'Silver'], [3, 'Gold']] as const) {
      expect(await ownTier(service, shop, customerId, '2026-03-02T02:00:00Z')).toBe(tier);
      expect((await service.store.getMember(shop, String(customerId)))?.tier).toBe(tier);
    }
    // The day's pass is done: a later run that day reads no member again.
    expect(await service.job('tiers', '2026-03-02T03:00:00Z')).toMatchObject({ checked: 0, downgraded: 0 });
    // A tier change is the member's state, not a ledger entry: the activity holds the orders only.
    service.setNow('2026-03-02T04:00:00Z');
    const activity = await json(await service.proxy('/member/activity', { customerId: '1', shop }));
    expect(activity.entries.map((entry: { type: string }) => entry.type)).toEqual(['earn']);
  });

  it('takes the shops in turn, page by page, and goes on from where a run stopped by its budget left a pass', async () => {
    const service = await testService('2025-04-01T00:00:00Z');
    const big = await shopIn(service, 'a-big-tiers.myshopify.com');
    const little = await shopIn(service, 'b-little-tiers.myshopify.com');
    // 11 and 12 come first in the members index and stay Gold; 13 to 16 go down.
    for (const customerId of [11, 12]) await order(service, big, customerId, '1600.00', '2025-10-01T00:00:00Z');
    for (const customerId of [13, 14, 15, 16]) await order(service, big, customerId, '1600.00', '2025-04-01T00:00:00Z');
    await order(service, little, 21, '1600.00', '2025-04-01T00:00:00Z');
    let pages = 0;
    const store = new Proxy(service.store as LoyaltyStore, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'membersNotInTier') pages++;
          return value.apply(target, args);
        };
      },
    });
    const now = new Date('2026-04-02T00:00:00Z');

    // Two pages' worth of budget: one of the big shop's, then the little shop's (its only one).
    const first = await rerateTiers(store, now, { pageSize: 2, concurrency: 1, budget: { remains: () => pages < 2 } });

    expect(first).toMatchObject({ checked: 3, downgraded: 1, more: true });
    expect((await service.store.getMember(little, '21'))?.tier).toBe('Bronze');
    const gold = async () => (await Promise.all([11, 12, 13, 14, 15, 16].map(async (c) => ((await service.store.getMember(big, String(c)))?.tier === 'Gold' ? [c] : [])))).flat();
    expect(await gold()).toEqual([11, 12, 13, 14, 15, 16]);

    // The next run goes on where the big shop's pass stopped: 11 and 12 are not read again.
    const second = await rerateTiers(store, new Date('2026-04-02T01:00:00Z'), { pageSize: 2, concurrency: 1 });

    expect(second).toMatchObject({ checked: 4, downgraded: 4, more: false });
    expect(await gold()).toEqual([11, 12]);
    expect(await rerateTiers(store, new Date('2026-04-02T02:00:00Z'), { pageSize: 2 })).toMatchObject({ checked: 0, downgraded: 0, more: false });
  });
});
