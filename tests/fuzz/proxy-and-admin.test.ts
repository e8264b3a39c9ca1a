/**
 * Fuzzing the storefront (`/proxy/*`, behind the App Proxy signature) and the admin (`/admin/*`,
 * behind session tokens): forged signatures and tokens are refused with 401 and write nothing;
 * hostile parameters and bodies on correctly signed requests are answered below 500, and a
 * refusal writes nothing.
 */
import { createHmac } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signProxyQuery } from '../../shared/shopify/app-proxy-signature.ts';
import { paidOrder } from '../support/fixtures.ts';
import { API_KEY, proxyQuery, SECRET, SHOP, sessionToken, testService } from '../support/http.ts';
import { expectAnswered, expectNoPollution, hostileJsonValue, itemCount, jsonText, type Service } from './hostile.ts';

const runs = (n: number) => Math.round(n * Number(process.env.FUZZ_SCALE ?? 1));
const NOW = new Date('2026-06-01T12:00:00Z');
const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

let service: Service;
beforeAll(async () => {
  service = await testService(NOW.toISOString());
  // A member with some points, so that hostile requests have something to reach for.
  await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5001, subtotal: '700.00', at: '2026-05-01T10:00:00Z' }));
});
afterAll(() => expectNoPollution());

/** Every item's key, `PK SK`, sorted. */
async function keysOf(service: Service): Promise<string[]> {
  const keys: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    keys.push(...(page.Items ?? []).map((item) => `${item.PK?.S} ${item.SK?.S}`));
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort();
}

const PROXY_PATHS = ['/proxy/program', '/proxy/member', '/proxy/member/activity', '/proxy/member/redemptions', '/proxy/member/feedback', '/proxy/nowhere', '/proxy/'];

/** Query parameters as Shopify's App Proxy sends them, some changed or forged. */
const forgedQuery = fc
  .record({
    shop: fc.oneof(fc.constant(SHOP), printable(40), fc.constant('other.myshopify.com')),
    customer: fc.oneof(fc.constant('5001'), fc.constant(''), printable(25)),
    timestamp: fc.oneof(
      fc.constant(String(Math.floor(NOW.getTime() / 1000))),
      fc.constantFrom('', 'NaN', '1e309', '-1', String(Math.floor(NOW.getTime() / 1000) - 301), '99999999999999999999'),
    ),
    signature: fc.oneof(
      fc.constantFrom('', '0'.repeat(64), 'g'.repeat(64), 'A'.repeat(64)),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex')),
      printable(70),
    ),
    repeatSignature: fc.boolean(),
    extra: fc.dictionary(fc.constantFrom('limit', 'cursor', 'path_prefix', '__proto__', 'signature', 'shop'), printable(30), { maxKeys: 3 }),
  })
  .map(({ shop, customer, timestamp, signature, repeatSignature, extra }) => {
    const params = new URLSearchParams();
    params.append('shop', shop);
    params.append('logged_in_customer_id', customer);
    params.append('path_prefix', '/apps/loyalty');
    params.append('timestamp', timestamp);
    for (const [name, value] of Object.entries(extra)) params.append(name, value);
    params.append('signature', signature);
    if (repeatSignature) params.append('signature', signProxyQuery({ shop: [shop], logged_in_customer_id: [customer], path_prefix: ['/apps/loyalty'], timestamp: [timestamp] }, SECRET));
    return params.toString();
  });

describe('/proxy/* under fuzzing', () => {
  it('answers 401, writing nothing, to a query whose signature is forged, missing or repeated', async () => {
    const before = await itemCount(service);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROXY_PATHS), forgedQuery, fc.constantFrom('GET', 'POST'), async (path, query, method) => {
        const response = await service.app.request(`${path}?${query}`, { method, ...(method === 'POST' ? { body: '{"rewardId":"five-off"}' } : {}) });
        await expectAnswered(response, `${method} ${path}?${query}`);
        expect(response.status).toBe(401);
      }),
      { numRuns: runs(200) },
    );
    expect(await itemCount(service)).toBe(before);
  }, 60_000);

  it('answers a signed query with hostile parameters below 500, and writes nothing but the shop', async () => {
    const before = (await keysOf(service)).filter((key) => !key.startsWith('SHOP#'));
    const hostile = fc.record({
      path: fc.constantFrom('/proxy/program', '/proxy/member', '/proxy/member/activity'),
      customer: fc.oneof(fc.constant('5001'), fc.constantFrom('', '0', '-1', '1e3', '99999999999999999999999', '5001 ', ' 5001', '٥٠٠١'), printable(25)),
      shop: fc.oneof(fc.constant(SHOP), fc.constantFrom('EVIL.myshopify.com', 'a..b', 'x'.repeat(300), 'shop.myshopify.com/../admin'), printable(30)),
      limit: fc.option(fc.oneof(printable(8), fc.constantFrom('0', '101', '1e2', '20.5', '-5', 'NaN', '100')), { nil: undefined }),
      cursor: fc.option(fc.oneof(printable(50), fc.base64String({ maxLength: 80 }), fc.constant(Buffer.from('LEDGER#9999').toString('base64url'))), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(hostile, async ({ path, customer, shop, limit, cursor }) => {
        const extra: Record<string, string> = {};
        if (limit !== undefined) extra.limit = limit;
        if (cursor !== undefined) extra.cursor = cursor;
        const response = await service.app.request(`${path}?${proxyQuery({ shop, customerId: customer, at: NOW, extra })}`);
        await expectAnswered(response, `${path} ${JSON.stringify({ customer, shop, limit, cursor })}`);
      }),
      { numRuns: runs(200) },
    );
    expect((await keysOf(service)).filter((key) => !key.startsWith('SHOP#'))).toEqual(before);
  }, 60_000);

  it('answers hostile redemption bodies below 500; a refusal changes no balance and issues no coupon', async () => {
    const body = fc.oneof(hostileJsonValue.map(jsonText), fc.json(), printable(100), fc.constantFrom('{"rewardId":"__proto__"}', '{"rewardId":"constructor"}', '{"rewardId":"five-off","__proto__":{"rewardId":"x"}}'));
    const idempotencyKey = fc.option(fc.oneof(printable(40), fc.constant('k'.repeat(300)), fc.constant('')), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(body, idempotencyKey, async (text, key) => {
        // The rate limit's counters (RATE#…) count refused attempts too; nothing else may change.
        const before = (await keysOf(service)).filter((key) => !key.startsWith('RATE#'));
        const balance = (await service.store.getMember(SHOP, '5001'))!.balance;
        const response = await service.app.request(`/proxy/member/redemptions?${proxyQuery({ customerId: '5001', at: NOW })}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
          body: text,
        });
        await expectAnswered(response, `redeem ${text.slice(0, 200)}`);
        if (response.status !== 201) {
          expect((await keysOf(service)).filter((key) => !key.startsWith('RATE#'))).toEqual(before);
          expect((await service.store.getMember(SHOP, '5001'))!.balance).toBe(balance);
        }
      }),
      { numRuns: runs(150) },
    );
  }, 60_000);
});

/** A JWT signed HS256 with `secret`, whatever its header and claims. */
function jwt(header: unknown, claims: unknown, secret: string): string {
  const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const unsigned = `${part(header)}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const seconds = Math.floor(NOW.getTime() / 1000);
const goodClaims = { iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: '42', exp: seconds + 60, nbf: seconds, iat: seconds, jti: 'j', sid: 's' };

const forgedAuthorization = fc.oneof(
  fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer a.b.c', 'Bearer a.b', 'Bearer ....', `Bearer ${'a'.repeat(10_000)}`),
  printable(200),
  // Well-formed tokens, each wrong in one way.
  fc.constantFrom(
    jwt({ alg: 'HS256', typ: 'JWT' }, goodClaims, 'forged-secret'),
    jwt({ alg: 'none', typ: 'JWT' }, goodClaims, SECRET).replace(/\.[^.]*$/, '.'),
    jwt({ alg: 'HS512', typ: 'JWT' }, goodClaims, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, aud: 'another-app' }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, exp: seconds - 3600 }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, exp: undefined }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, exp: '9999999999' }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, nbf: seconds + 3600 }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, dest: 'https://evil.example/../x' }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, dest: 'http://attacker' }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, { ...goodClaims, dest: undefined }, SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, '[1,2,3]', SECRET),
    jwt({ alg: 'HS256', typ: 'JWT' }, 'not json', SECRET),
    jwt('not json', goodClaims, SECRET),
  ).map((token) => (token.startsWith('ey') ? `Bearer ${token}` : token)),
  // Signed with the right secret but claims drawn at random.
  fc
    .dictionary(fc.constantFrom('dest', 'aud', 'exp', 'nbf', 'sub', '__proto__', 'iss'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(`https://${SHOP}`)), { maxKeys: 6 })
    .map((claims) => `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, JSON.stringify(claims), SECRET)}`),
);

describe('/admin/* under fuzzing', () => {
  it('answers 401, writing nothing, to a missing, forged, expired or misdirected session token', async () => {
    const before = await itemCount(service);
    await fc.assert(
      fc.asyncProperty(forgedAuthorization, fc.constantFrom('/admin/program', '/admin/members/5001', '/admin/kpis', '/admin/members/5001/adjustments'), async (authorization, path) => {
        const post = path.endsWith('adjustments');
        const response = await service.app.request(path, {
          method: post ? 'POST' : 'GET',
          headers: { ...(authorization ? { authorization } : {}), 'content-type': 'application/json' },
          ...(post ? { body: '{"points":1000,"reason":"free points"}' } : {}),
        });
        await expectAnswered(response, `${path} ${authorization.slice(0, 200)}`);
        // Even the tokens signed with the app's secret lack a current `exp` or this app's `aud`.
        expect(response.status).toBe(401);
      }),
      { numRuns: runs(200) },
    );
    expect(await itemCount(service)).toBe(before);
  }, 60_000);

  it('answers hostile program and adjustment bodies below 500; a refusal writes nothing', async () => {
    const token = await sessionToken({ at: NOW, expiresIn: 3600 });
    const body = fc.oneof(
      hostileJsonValue.map(jsonText),
      fc.record({ points: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e308, 10_000_001, -10_000_001)), reason: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('x'.repeat(600)), fc.constant('  ')) }).map((value) => JSON.stringify(value)),
      fc.constantFrom('{"points":NaN,"reason":"x"}', '{"points":1e999,"reason":"x"}', '{"points":"5","reason":"x"}', '{"tiers":[]}', '{"tiers":[{"name":"A","minSpend":-1,"multiplier":1e308}]}', '{"rewards":[{"id":"__proto__","name":"x","kind":"percentage","cost":1,"value":1000}]}', '{"earning":{"pointsPerUnit":NaN}}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT /admin/program', 'POST /admin/members/5001/adjustments', 'POST /admin/members/99999999999999999999/adjustments'), body, async (route, text) => {
        const [method, path] = route.split(' ') as [string, string];
        const before = await itemCount(service);
        const response = await service.app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: text });
        await expectAnswered(response, `${route} ${text.slice(0, 200)}`);
        if (response.status >= 300) expect(await itemCount(service)).toBe(before);
      }),
      { numRuns: runs(200) },
    );
    const member = (await service.store.getMember(SHOP, '5001'))!;
    const ledger = (await service.store.ledger(SHOP, '5001', { limit: 100 })).items;
    expect(Number.isSafeInteger(member.balance) && member.balance >= 0).toBe(true);
    expect(ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(member.balance);
  }, 60_000);
});
