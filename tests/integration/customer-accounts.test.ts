/**
 * `/customer/*`, the customer account extension's routes, over DynamoDB Local with real signed
 * customer account session tokens: the storefront's answers for the token's customer, an order's
 * points for the order status page, every kind of bad token refused with nothing written, and CORS
 * for the extension's origin only.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { sign } from 'hono/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { customerHeaders, customerSessionToken, type CustomerTokenOptions } from '../support/customer-tokens.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { API_KEY, json, SECRET, SHOP, testService } from '../support/http.ts';
import { synthesize } from '../infra/synthesized-stack.ts';
import { TablePolicy, tableRequests, type TableRequest } from '../infra/table-policy.ts';

type Service = Awaited<ReturnType<typeof testService>>;

const NOW = '2026-06-01T12:00:00Z';
const EXTENSION_ORIGIN = 'https://extensions.shopifycdn.com';
const PENDING_SHOP = 'pending-shop.myshopify.com';

let service: Service;

/** A request as the extension makes it: the customer's token, from the extension's origin. */
async function customer(path: string, token: Partial<CustomerTokenOptions> = {}, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const signed = await customerSessionToken({ at: new Date(NOW), customerId: '5001', ...token });
  return service.app.request(`/customer${path}`, { ...init, headers: customerHeaders(signed, init.headers ?? {}) });
}

const redeem = (customerId: string, rewardId: string, headers: Record<string, string> = {}) =>
  customer('/member/redemptions', { customerId }, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ rewardId }) });

/** Every item of the table, to show that a refused request wrote nothing. */
async function everything(): Promise<string[]> {
  const { Items = [] } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, ConsistentRead: true }));
  return Items.map((item) => JSON.stringify(item)).sort();
}

beforeAll(async () => {
  service = await testService(NOW);
  for (let i = 0; i < 5; i++) {
    await service.webhook('orders/paid', paidOrder({ id: 100 + i, customerId: 5001, subtotal: '120.00', at: `2026-05-0${i + 1}T10:00:00Z` }));
  }
  await service.webhook('orders/paid', paidOrder({ id: 200, customerId: 5002, subtotal: '80.00', at: '2026-05-10T10:00:00Z' }));
  await service.webhook('orders/paid', paidOrder({ id: 300, customerId: null, subtotal: '50.00', at: '2026-05-10T10:00:00Z' }));
  await service.store.ensureShop({ ...newShop(PENDING_SHOP, new Date('2026-01-01T00:00:00Z'), 'USD'), program: parseProgram({ pendingDays: 14 }) });
});

describe('the customer account routes', () => {
  it('answer /customer/member exactly as /proxy/member answers for the same customer', async () => {
    const viaExtension = await customer('/member');
    const viaStorefront = await service.proxy('/member', { customerId: '5001' });

    expect(viaExtension.status).toBe(200);
    const member = await json(viaExtension);
    expect(member).toEqual(await json(viaStorefront));
    expect(member).toMatchObject({ customerId: '5001', balance: 600, tier: 'Silver' });
  });

  it('answer the program, and a customer with no history, as the storefront does', async () => {
    expect(await json(await customer('/program'))).toEqual(await json(await service.proxy('/program')));
    expect(await json(await customer('/member', { customerId: '5999' }))).toEqual(await json(await service.proxy('/member', { customerId: '5999' })));
  });

  it('page the activity newest first with the same cursors as the storefront', async () => {
    const first = await json(await customer('/member/activity?limit=2'));
    const second = await json(await customer(`/member/activity?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`));
    const last = await json(await customer(`/member/activity?limit=2&cursor=${encodeURIComponent(second.nextCursor)}`));

    expect([first, second, last].map((page) => page.entries.map((entry: { orderId: string }) => entry.orderId))).toEqual([['104', '103'], ['102', '101'], ['100']]);
    expect(last.nextCursor).toBeNull();
    expect(first).toEqual(await json(await service.proxy('/member/activity', { customerId: '5001', extra: { limit: '2' } })));
    expect((await customer('/member/activity?cursor=bm9wZQ')).status).toBe(400);
  });

  it('redeem once per Idempotency-Key, and refuse what the balance does not cover with 409', async () => {
    const first = await redeem('5001', 'five-off', { 'idempotency-key': 'ext-1' });
    const again = await redeem('5001', 'five-off', { 'idempotency-key': 'ext-1' });
    const short = await redeem('5001', 'ten-percent-off');

    expect(first.status).toBe(201);
    const coupon = await json(first);
    expect(coupon).toMatchObject({ rewardId: 'five-off', code: expect.any(String), balance: 100 });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await json(again)).toEqual(coupon);
    expect(short.status).toBe(409);
    expect(await json(short)).toMatchObject({ type: 'https://loyalty.dev/problems/insufficient-points', balance: 100, cost: 1000 });
    expect((await json(await customer('/member'))).balance).toBe(100);
  });

  it('take survey answers, checked like the storefront checks them', async () => {
    const answered = await customer('/member/feedback', { customerId: '5002' }, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 9, comment: ' great ' }) });
    const invalid = await customer('/member/feedback', { customerId: '5002' }, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 11 }) });

    expect(answered.status).toBe(201);
    expect(await json(answered)).toEqual({ score: 9, comment: 'great' });
    expect(invalid.status).toBe(400);
  });

  it('make a shop not seen before known, with the default program, on its first signed request', async () => {
    const shop = 'first-visit.myshopify.com';
    expect(await service.store.getShop(shop)).toBeUndefined();

    const program = await customer('/program', { shop, dest: shop });

    expect(program.status).toBe(200);
    expect((await json(program)).rewards.map((reward: { id: string }) => reward.id)).toEqual(['five-off', 'ten-percent-off', 'free-shipping']);
    expect(await service.store.getShop(shop)).toMatchObject({ shop });
  });

  it('accept the shop named again when it is the token’s own', async () => {
    const named = await customer(`/member?shop=${SHOP}`, {}, { headers: { 'x-shopify-shop-domain': SHOP } });

    expect(named.status).toBe(200);
  });
});

describe('refused tokens', () => {
  const unseen = 'never-seen.myshopify.com';
  const at = new Date(NOW);
  const cases: [string, () => Response | Promise<Response>][] = [
    ['no Authorization', () => service.app.request('/customer/member', { headers: { origin: EXTENSION_ORIGIN } })],
    ['not a bearer token', () => service.app.request('/customer/member', { headers: { authorization: 'Basic abc' } })],
    ['a forged token (another secret)', () => customer('/member', { shop: unseen, secret: 'guessed' })],
    ['an expired token', () => customer('/member', { shop: unseen, at: new Date(at.getTime() - 320_000) })],
    ['a token not valid yet', () => customer('/member', { shop: unseen, notBefore: 60 })],
    ['a token for another app', () => customer('/member', { shop: unseen, aud: 'another-app' })],
    ['a token naming no customer', () => customer('/member', { shop: unseen, sub: null })],
    ['a sub that is not a customer', () => customer('/member', { shop: unseen, sub: 'gid://shopify/Order/5001' })],
    ['a dest that is not a shop', () => customer('/member', { dest: 'https://evil.example/../x' })],
    ['another shop named in the query', () => customer(`/member?shop=${unseen}`)],
    ['another shop named in X-Shopify-Shop-Domain', () => customer('/member', {}, { headers: { 'x-shopify-shop-domain': unseen } })],
    ['a redemption with a forged token', () => customer('/member/redemptions', { secret: 'guessed' }, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'forged-1' }, body: '{"rewardId":"free-shipping"}' })],
    ['a redemption for another shop', () => customer(`/member/redemptions?shop=${unseen}`, {}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rewardId":"free-shipping"}' })],
    ['survey answers without a customer', () => customer('/member/feedback', { sub: null }, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":3}' })],
    ['an order with an expired token', () => customer('/orders/100', { at: new Date(at.getTime() - 320_000) })],
  ];

  it.each(cases)('answer 401 problem+json to %s, writing nothing', async (_name, send) => {
    const before = await everything();

    const answer = await send();

    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(answer)).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-customer-session-token', status: 401 });
    expect(await everything()).toEqual(before);
    expect(await service.store.getShop(unseen)).toBeUndefined();
  });

  it('answer 200 to exactly the tokens whose every claim holds, 401 to the rest, writing nothing then', { timeout: 120_000 }, async () => {
    const seconds = Math.floor(at.getTime() / 1000);
    // Each claim mostly right, sometimes wrong, sometimes any JSON at all, sometimes left out.
    const claim = (right: fc.Arbitrary<unknown>, wrong: fc.Arbitrary<unknown>) =>
      fc.option(fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: wrong, weight: 1 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }), { nil: undefined, freq: 12 });
    const claims = fc.record(
      {
        dest: claim(fc.constantFrom(SHOP, `https://${SHOP}`), fc.constantFrom(`http://${SHOP}`, `https://${SHOP}/`, 'https://', `${SHOP}.`, 'https://a..b', SHOP.toUpperCase())),
        aud: claim(fc.constant(API_KEY), fc.constantFrom('another-app', '', [API_KEY, 'x'].join(','))),
        sub: claim(fc.constant('gid://shopify/Customer/5001'), fc.constantFrom('gid://shopify/Customer/05001', 'gid://shopify/Order/5001', '5001', 'gid://shopify/Customer/5001/')),
        exp: claim(fc.integer({ min: seconds - 5, max: seconds + 600 }), fc.integer({ min: seconds - 60, max: seconds - 5 })),
        nbf: claim(fc.integer({ min: seconds - 600, max: seconds + 5 }), fc.integer({ min: seconds + 5, max: seconds + 60 })),
      },
      { requiredKeys: [] },
    );
    const holds = (c: Record<string, unknown>) =>
      (c.dest === SHOP || c.dest === `https://${SHOP}`) &&
      c.aud === API_KEY &&
      c.sub === 'gid://shopify/Customer/5001' &&
      typeof c.exp === 'number' && c.exp + 10 > seconds &&
      (c.nbf === undefined || (typeof c.nbf === 'number' && c.nbf - 10 <= seconds));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(claims, async (drawn) => {
        const payload = Object.fromEntries(Object.entries(drawn).filter(([, value]) => value !== undefined));
        const before = await everything();
        const answer = await service.app.request('/customer/member', { headers: { authorization: `Bearer ${await sign(payload as never, SECRET, 'HS256')}` } });
        const expected = holds(payload) ? 200 : 401;
        if (expected === 200) accepted++;
        expect([JSON.stringify(payload), answer.status]).toEqual([JSON.stringify(payload), expected]);
        if (expected === 401) expect(await everything()).toEqual(before);
      }),
      { numRuns: 150 },
    );
    // The draw reaches both sides of the line.
    expect(accepted).toBeGreaterThan(0);
  });

  it('still accept a token a few seconds past its exp (clock skew)', async () => {
    const skewed = await customer('/member', { at: new Date(new Date(NOW).getTime() - 305_000) });

    expect(skewed.status).toBe(200);
  });
});

describe('an order’s points, for the order status page', () => {
  it('answers what the order earned, by numeric id or by its URL-encoded gid', async () => {
    const numeric = await customer('/orders/101');
    const gid = await customer(`/orders/${encodeURIComponent('gid://shopify/Order/101')}`);

    expect(numeric.status).toBe(200);
    expect(await json(numeric)).toEqual({ orderId: '101', points: 120, pending: false, earnedAt: '2026-05-02T10:00:00.000Z' });
    expect(await json(gid)).toEqual({ orderId: '101', points: 120, pending: false, earnedAt: '2026-05-02T10:00:00.000Z' });
  });

  it('answers the points net of a refund, and none once cancelled', async () => {
    service.setNow('2026-06-01T12:00:00Z');
    await service.webhook('refunds/create', refund({ id: 9102, orderId: 102, subtotal: '30.00', at: '2026-05-20T00:00:00Z' }));
    const refunded = await json(await customer('/orders/102'));
    await service.webhook('orders/cancelled', { ...paidOrder({ id: 103, customerId: 5001, subtotal: '120.00', at: '2026-05-04T10:00:00Z' }), cancelled_at: '2026-05-21T00:00:00Z' });
    const cancelled = await json(await customer('/orders/103'));

    expect(refunded).toEqual({ orderId: '102', points: 90, pending: false, earnedAt: '2026-05-03T10:00:00.000Z' });
    expect(cancelled).toMatchObject({ orderId: '103', points: 0, pending: false });
  });

  it('says the points are pending through the return window, and spendable after it', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 400, customerId: 6001, subtotal: '70.00', at: '2026-05-30T10:00:00Z' }), { shop: PENDING_SHOP });
    const inWindow = await json(await customer('/orders/400', { shop: PENDING_SHOP, customerId: '6001' }));
    await service.job('activate', '2026-06-14T10:00:01Z');
    const afterWindow = await json(await customer('/orders/400', { shop: PENDING_SHOP, customerId: '6001' }));

    expect(inWindow).toEqual({ orderId: '400', points: 70, pending: true, earnedAt: '2026-05-30T10:00:00.000Z' });
    expect(afterWindow).toEqual({ orderId: '400', points: 70, pending: false, earnedAt: '2026-05-30T10:00:00.000Z' });
  });

  it('answers 404, alike, for another customer’s order, a guest’s, another shop’s and one it never saw', async () => {
    const answers = await Promise.all([
      customer('/orders/200'),
      customer('/orders/300'),
      customer('/orders/400', { shop: PENDING_SHOP, customerId: '5001' }),
      customer('/orders/999'),
      customer(`/orders/${encodeURIComponent('gid://shopify/Order/200')}`),
    ]);
    const bodies = await Promise.all(answers.map((answer) => json(answer)));

    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(1);
    expect(bodies[0]).toMatchObject({ type: 'https://loyalty.dev/problems/not-found' });
    expect(JSON.stringify(bodies[0])).not.toMatch(/5002|80/);
  });

  it('answers 400 to what is not an order id', async () => {
    for (const id of ['abc', '0', '-1', encodeURIComponent('gid://shopify/Customer/101'), '1'.repeat(31)]) {
      expect([id, (await customer(`/orders/${id}`)).status]).toEqual([id, 400]);
    }
  });
});

describe('CORS for the extension', () => {
  it('answers a preflight from the extension’s origin without a token', async () => {
    const preflight = await service.app.request('/customer/member/redemptions', {
      method: 'OPTIONS',
      headers: { origin: EXTENSION_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')?.split(',')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
  });

  it('names the extension’s origin on answers and on problems, and no other origin', async () => {
    const ok = await customer('/member');
    const refused = await customer('/member', { secret: 'guessed' });
    const elsewhere = await customer('/member', {}, { headers: { origin: 'https://evil.example' } });

    expect(ok.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(EXTENSION_ORIGIN);
    expect(refused.headers.get('vary')).toMatch(/Origin/);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves the storefront and admin routes without CORS', async () => {
    const headers = { origin: EXTENSION_ORIGIN, 'access-control-request-method': 'GET' };
    const proxy = await service.app.request('/proxy/member', { method: 'OPTIONS', headers });
    const admin = await service.app.request('/admin/program', { method: 'OPTIONS', headers });
    const storefront = await service.proxy('/program');

    expect(proxy.headers.get('access-control-allow-origin')).toBeNull();
    expect(admin.headers.get('access-control-allow-origin')).toBeNull();
    expect(storefront.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the API function’s table rights', () => {
  // Synthesizing the stack takes seconds alone, far more on a loaded machine.
  it('cover every DynamoDB request of the customer routes, the order read included', { timeout: 120_000 }, async () => {
    const { template, stack } = synthesize({ context: { stage: 'prod' } });
    const policy = new TablePolicy(template, stack.table, stack.api);
    await service.webhook('orders/paid', paidOrder({ id: 500, customerId: 5003, subtotal: '400.00', at: '2026-05-15T10:00:00Z' }));
    const sent: TableRequest[] = [];
    const watch = 'customerRoutesTableRequests';
    service.table.client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(...tableRequests(context.commandName ?? '', args.input as Record<string, unknown>));
        return next(args);
      },
      { step: 'initialize', name: watch },
    );
    try {
      const answers = [
        await customer('/orders/104'),
        await customer('/member'),
        await customer('/member/activity?limit=1'),
        await customer('/program', { shop: 'rights-check.myshopify.com' }),
        await redeem('5003', 'free-shipping', { 'idempotency-key': 'rights-1' }),
        await customer('/member/feedback', { customerId: '5002' }, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"score":7}' }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 201, 201]);
    } finally {
      service.table.client.middlewareStack.remove(watch);
    }

    expect(sent.map((request) => request.action)).toEqual(expect.arrayContaining(['dynamodb:BatchGetItem', 'dynamodb:PutItem']));
    expect(sent.filter((request) => !policy.allows(request))).toEqual([]);
    // The policy is no blanket grant: the API may read orders, never write one.
    expect(policy.allows({ action: 'dynamodb:PutItem', resource: 'table', leadingKeys: [`ORDER#${SHOP}#1`] })).toBe(false);
  });
});
