import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { fakeProducts, type FakeProducts } from '../support/fake-shopify-products.ts';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import { json, SHOP, sessionToken, testService } from '../support/http.ts';

const START = '2026-06-01T12:00:00Z';

let fake: FakeShopifyAdmin;
let products: FakeProducts;
let service: Awaited<ReturnType<typeof testService>>;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  const token = await sessionToken({ at: new Date(clock) });
  return service.app.request(`/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

let clock = START;
const setNow = (at: string) => {
  clock = at;
  service.setNow(at);
};

const weekend = { name: 'Double points weekend', startsAt: '2026-06-05T00:00:00Z', endsAt: '2026-06-08T00:00:00Z', kind: 'multiplier', multiplier: 2, target: { type: 'all' } };

/** A paid order whose lines are these products and amounts (no discounts, no tax). */
function orderOf(id: number, customerId: number, at: string, lines: [productId: number, amount: string][]): Json {
  const order = paidOrder({ id, customerId, at, subtotal: lines.reduce((sum, [, amount]) => sum + Number(amount), 0).toFixed(2) });
  const set = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } });
  order.line_items = lines.map(([productId, amount], i) => ({ id: id * 10 + i, product_id: productId, price: amount, price_set: set(amount), quantity: 1, gift_card: false, tax_lines: [], discount_allocations: [] }));
  return order;
}

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  products = fakeProducts(fake, 2);
  products.collections.set('gid://shopify/Collection/77', ['101', '102', '103']);
  products.tags.set('summer "sale"', ['201']);
  service = await testService(START, { env: { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: fake.token }) } });
});

afterAll(async () => {
  await fake?.close();
});

describe('scheduling campaigns in the admin', () => {
  it('answers 422 with each field’s problem, and stores nothing', async () => {
    const response = await admin('POST', '/campaigns', { ...weekend, multiplier: 0.5, endsAt: '2026-06-04T00:00:00Z' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(response);
    expect(problem.type).toMatch(/invalid-campaign$/);
    expect(problem.problems.map((p: { path: string }) => p.path).sort()).toEqual(['endsAt', 'multiplier']);
    expect((await json(await admin('GET', '/campaigns'))).campaigns).toEqual([]);
  });

  it('schedules a campaign, and refuses one that overlaps it with 409 naming it', async () => {
    const created = await admin('POST', '/campaigns', weekend);
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ name: 'Double points weekend', status: 'scheduled', startsAt: '2026-06-05T00:00:00.000Z', multiplier: 2 });

    const overlap = await admin('POST', '/campaigns', { ...weekend, name: 'Summer tag', startsAt: '2026-06-07T00:00:00Z', endsAt: '2026-06-09T00:00:00Z', target: { type: 'tag', tag: 'summer "sale"' } });
    expect(overlap.status).toBe(409);
    const problem = await json(overlap);
    expect(problem.type).toMatch(/campaign-overlap$/);
    expect(problem.detail).toContain('Double points weekend');
    expect(problem.conflictsWith).toMatchObject({ name: 'Double points weekend' });
    // Decided before Shopify was asked anything, and nothing stored.
    expect(products.calls).toHaveLength(0);
    expect((await json(await admin('GET', '/campaigns'))).campaigns.map((c: { name: string }) => c.name)).toEqual(['Double points weekend']);
  });

  it('reads a collection’s products from Shopify, page by page, when the campaign is saved', async () => {
    const response = await admin('POST', '/campaigns', { name: 'Triple on the collection', startsAt: '2026-06-10T00:00:00Z', endsAt: '2026-06-12T00:00:00Z', kind: 'multiplier', multiplier: 3, target: { type: 'collection', collectionId: '77' } });
    expect(response.status).toBe(201);
    expect((await json(response)).products).toMatchObject({ count: 3 });
    expect(products.calls.map((call) => call.variables.after ?? null)).toEqual([null, 'cursor:2']);
  });

  it('reads the collection’s products again when the campaign is saved again', async () => {
    const list = (await json(await admin('GET', '/campaigns'))).campaigns as { id: string; name: string }[];
    const { id, status: _status, products: _products, createdAt: _created, updatedAt: _updated, ...fields } = list.find((campaign) => campaign.name === 'Triple on the collection') as any;
    products.collections.set('gid://shopify/Collection/77', ['101', '102', '103', '104']);
    const response = await admin('PUT', `/campaigns/${id}`, fields);
    expect(response.status).toBe(200);
    expect((await json(response)).products).toMatchObject({ count: 4 });
    products.collections.set('gid://shopify/Collection/77', ['101', '102', '103']);
  });

  it('reads a tag’s products quoted as Shopify’s search wants them', async () => {
    const response = await admin('POST', '/campaigns', { name: 'Summer sale bonus', startsAt: '2026-06-13T00:00:00Z', endsAt: '2026-06-14T00:00:00Z', kind: 'fixed', points: 50, minimumSpend: 30, target: { type: 'tag', tag: 'summer "sale"' } });
    expect(response.status).toBe(201);
    expect(products.calls.at(-1)!.variables.query).toBe('tag:"summer \\"sale\\""');
  });

  it('stores nothing when the collection does not exist or Shopify is throttled', async () => {
    const missing = await admin('POST', '/campaigns', { ...weekend, name: 'Nowhere', startsAt: '2026-06-20T00:00:00Z', endsAt: '2026-06-21T00:00:00Z', target: { type: 'collection', collectionId: 'gid://shopify/Collection/404' } });
    expect(missing.status).toBe(422);
    expect((await json(missing)).problems).toEqual([{ path: 'target.collectionId', message: 'The shop has no such collection.' }]);

    products.throttleNext = 10;
    const throttled = await admin('POST', '/campaigns', { ...weekend, name: 'Later', startsAt: '2026-06-20T00:00:00Z', endsAt: '2026-06-21T00:00:00Z', target: { type: 'tag', tag: 'summer "sale"' } });
    products.throttleNext = 0;
    expect(throttled.status).toBe(503);
    expect((await json(throttled)).type).toMatch(/shopify-unavailable$/);
    expect((await json(await admin('GET', '/campaigns'))).campaigns).toHaveLength(3);
  });

  it('lets tier campaigns for different tiers share their time', async () => {
    const gold = await admin('POST', '/campaigns', { ...weekend, name: 'Gold week', startsAt: '2026-07-01T00:00:00Z', endsAt: '2026-07-08T00:00:00Z', target: { type: 'tier', tier: 'Gold' } });
    const silver = await admin('POST', '/campaigns', { ...weekend, name: 'Silver week', startsAt: '2026-07-01T00:00:00Z', endsAt: '2026-07-08T00:00:00Z', target: { type: 'tier', tier: 'Silver' } });
    expect([gold.status, silver.status]).toEqual([201, 201]);
    const unknown = await admin('POST', '/campaigns', { ...weekend, name: 'Platinum week', startsAt: '2026-08-01T00:00:00Z', endsAt: '2026-08-08T00:00:00Z', target: { type: 'tier', tier: 'Platinum' } });
    expect((await json(unknown)).problems[0].path).toBe('target.tier');
  });
});

describe('campaign dating: orders earn by their own instant', () => {
  it('gives the bonus to an order placed in the window and delivered after it ended', async () => {
    setNow('2026-06-09T09:00:00Z');
    const response = await service.webhook('orders/paid', orderOf(5001, 9001, '2026-06-06T10:00:00Z', [[1, '120.00']]));
    expect(await json(response)).toMatchObject({ outcome: 'applied', points: 240 });
    const activity = await json(await service.proxy('/member/activity', { customerId: '9001' }));
    expect(activity.entries.slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'bonus', points: 120, reason: 'Double points weekend', orderId: '5001', balanceAfter: 240 }),
      expect.objectContaining({ type: 'earn', points: 120, orderId: '5001', balanceAfter: 120 }),
    ]);
  });

  it('gives nothing to an order placed before it started, or at its very end', async () => {
    expect(await json(await service.webhook('orders/paid', orderOf(5002, 9002, '2026-06-04T23:59:59Z', [[1, '120.00']])))).toMatchObject({ points: 120 });
    expect(await json(await service.webhook('orders/paid', orderOf(5003, 9002, '2026-06-08T00:00:00Z', [[1, '100.00']])))).toMatchObject({ points: 100 });
  });

  it('reverses the bonus in proportion when the order is refunded', async () => {
    const response = await service.webhook('refunds/create', refund({ id: 6001, orderId: 5001, subtotal: '60.00', at: '2026-06-09T10:00:00Z' }));
    expect(await json(response)).toMatchObject({ outcome: 'applied', points: -120 });
    expect((await service.member('9001')).balance).toBe(120);
  });

  it('multiplies only the collection’s lines', async () => {
    setNow('2026-06-11T12:00:00Z');
    // 50.00 of the collection's product and 50.00 of another: 100 points, and 2 × 50 more.
    const response = await service.webhook('orders/paid', orderOf(5004, 9003, '2026-06-11T10:00:00Z', [[101, '50.00'], [999, '50.00']]));
    expect(await json(response)).toMatchObject({ points: 200 });
  });

  it('gives a fixed bonus to an order whose tagged products reach its minimum', async () => {
    setNow('2026-06-13T12:00:00Z');
    expect(await json(await service.webhook('orders/paid', orderOf(5005, 9004, '2026-06-13T10:00:00Z', [[201, '40.00']])))).toMatchObject({ points: 90 });
    expect(await json(await service.webhook('orders/paid', orderOf(5006, 9005, '2026-06-13T11:00:00Z', [[201, '20.00'], [5, '30.00']])))).toMatchObject({ points: 50 });
  });
});

describe('a running campaign', () => {
  let id: string;

  it('is the only one the storefront’s program lists', async () => {
    setNow('2026-06-06T12:00:00Z');
    const program = await json(await service.proxy('/program'));
    expect(program.campaigns).toEqual([expect.objectContaining({ name: 'Double points weekend', kind: 'multiplier', multiplier: 2, endsAt: '2026-06-08T00:00:00.000Z', target: 'every order' })]);
    id = program.campaigns[0].id;
    setNow('2026-06-09T12:00:00Z');
    expect((await json(await service.proxy('/program'))).campaigns).toEqual([]);
  });

  it('keeps its terms and is ended, not deleted', async () => {
    setNow('2026-06-06T12:00:00Z');
    const changed = await admin('PUT', `/campaigns/${id}`, { ...weekend, multiplier: 3 });
    expect(changed.status).toBe(409);
    expect((await json(changed)).type).toMatch(/campaign-started$/);
    expect((await admin('DELETE', `/campaigns/${id}`)).status).toBe(409);

    const ended = await admin('POST', `/campaigns/${id}/end`);
    expect(ended.status).toBe(200);
    expect(await json(ended)).toMatchObject({ status: 'ended', endsAt: '2026-06-06T12:00:00.000Z' });
    // An order placed after the early end earns as usual; one placed before it keeps its bonus.
    expect(await json(await service.webhook('orders/paid', orderOf(5007, 9006, '2026-06-06T12:30:00Z', [[1, '10.00']])))).toMatchObject({ points: 10 });
    expect(await json(await service.webhook('orders/paid', orderOf(5008, 9006, '2026-06-06T11:30:00Z', [[1, '10.00']])))).toMatchObject({ points: 20 });
  });

  it('may be deleted while still scheduled', async () => {
    const list = (await json(await admin('GET', '/campaigns'))).campaigns as { id: string; name: string; status: string }[];
    const gold = list.find((campaign) => campaign.name === 'Gold week')!;
    expect(gold.status).toBe('scheduled');
    expect((await admin('DELETE', `/campaigns/${gold.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/campaigns/${gold.id}`)).status).toBe(404);
  });
});
