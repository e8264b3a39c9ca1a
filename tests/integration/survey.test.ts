/** The storefront survey: an answer is stored, or the customer is told it was not; never a 201 for nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { createApiApp } from '../../shared/http/app.ts';
import type { LoyaltyStore } from '../../shared/store/ports.ts';
import { freshTable } from '../support/database.ts';
import { API_KEY, proxyQuery, SECRET, silentLogger } from '../support/http.ts';

const NOW = '2026-05-01T12:00:00Z';
const SHOP = 'survey-shop.myshopify.com';
let table: Awaited<ReturnType<typeof freshTable>>;

/** The store, whose first `conflicts` commits answer 'conflict' as a concurrent write would make them. */
function conflicting(store: LoyaltyStore, conflicts: number): LoyaltyStore & { commits: () => number } {
  let commits = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commits') return () => commits;
      const value = Reflect.get(target, property, receiver);
      if (property !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<LoyaltyStore['commit']>) => (++commits <= conflicts ? 'conflict' : target.commit(...args));
    },
  }) as LoyaltyStore & { commits: () => number };
}

function appOver(store: LoyaltyStore) {
  return createApiApp({ store, discounts: { issue: async () => ({ kind: 'rejected', reason: 'none' }) }, secrets: async () => ({ apiSecret: SECRET, apiKey: API_KEY }), clock: fixedClock(NOW), logger: silentLogger() });
}

const answer = (app: ReturnType<typeof appOver>, customerId: string, body: unknown) =>
  app.request(`/proxy/member/feedback?${proxyQuery({ shop: SHOP, customerId, at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify(body) });

const answersOf = async (customerId: string) => (await table.store.memberRecords(SHOP, customerId)).filter((record) => String(record.SK).startsWith('FEEDBACK#'));

beforeAll(async () => {
  table = await freshTable();
  await table.store.ensureShop(newShop(SHOP, new Date(NOW), 'USD'));
});
afterAll(() => table.client.destroy());

describe('POST /proxy/member/feedback', () => {
  it('stores an answer whose first write met a conflict, by trying again', async () => {
    const store = conflicting(table.store, 1);
    const response = await answer(appOver(store), '501', { score: 9, comment: 'Lovely' });
    expect(response.status).toBe(201);
    expect(store.commits()).toBe(2);
    expect(await answersOf('501')).toMatchObject([{ score: 9, comment: 'Lovely' }]);
  });

  it('answers a problem, not 201, when the answer could not be stored', async () => {
    const store = conflicting(table.store, Number.POSITIVE_INFINITY);
    const response = await answer(appOver(store), '502', { score: 3 });
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await answersOf('502')).toEqual([]);
  }, 30_000);
});
