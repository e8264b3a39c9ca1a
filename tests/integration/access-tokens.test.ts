/**
 * Installing in a shop: the first session token of a shop is exchanged for an expiring offline
 * token, which is refreshed before Admin API calls, kept per shop, encrypted when a cipher is set,
 * and forgotten on uninstall. Against DynamoDB Local and a loopback fake of Shopify's token endpoint
 * and Admin GraphQL API, with real signed session tokens.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShopAccessTokens } from '../../shared/shopify/access-tokens.ts';
import type { TokenCipher } from '../../shared/shopify/token-cipher.ts';
import { ShopifyTokenEndpoint } from '../../shared/shopify/token-endpoint.ts';
import { DynamoDbAccessTokenStore } from '../../shared/store/dynamodb/access-tokens.ts';
import { accessTokenKey } from '../../shared/store/dynamodb/keys.ts';
import { DynamoDbWebhookDeliveryLog } from '../../shared/store/dynamodb/webhook-deliveries.ts';
import { problemTitle } from '../../shared/http/problems.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { withFakeShopifyOAuth, type FakeShopifyOAuth } from '../support/fake-shopify-oauth.ts';
import { paidOrder } from '../support/fixtures.ts';
import { API_KEY, json, SECRET, sessionToken, SHOP, silentLogger, testService } from '../support/http.ts';
import { appUninstalled } from '../support/shopify-samples.ts';

const NOW = '2026-06-01T12:00:00Z';
const HOURS_LATER = '2026-06-01T14:00:00Z';
const OTHER_SHOP = 'other-shop.myshopify.com';

let fake: FakeShopifyAdmin;
let oauth: FakeShopifyOAuth;
let service: Awaited<ReturnType<typeof testService>>;
let clockAt: string;

beforeEach(async () => {
  fake = await startFakeShopifyAdmin('no-token-issued-yet');
  oauth = withFakeShopifyOAuth(fake, { apiKey: API_KEY, apiSecret: SECRET });
  service = await testService(NOW, { env: { SHOPIFY_ADMIN_URL: fake.url, SES_SENDER_EMAIL: 'rewards@shop.example', SES_CONFIGURATION_SET: 'loyalty-dev' } });
  clockAt = NOW;
});
afterEach(() => fake.close());

const setNow = (iso: string) => {
  clockAt = iso;
  service.setNow(iso);
};

async function admin(path: string, options: { shop?: string; secret?: string; token?: string } = {}) {
  const token = options.token ?? (await sessionToken({ at: new Date(clockAt), ...(options.shop ? { shop: options.shop } : {}), ...(options.secret ? { secret: options.secret } : {}) }));
  return service.app.request(`/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** The token item as stored, attribute by attribute. */
async function storedItem(shop = SHOP): Promise<Record<string, unknown> | undefined> {
  const { Item } = await service.table.client.send(new GetItemCommand({ TableName: service.table.tableName, Key: marshall(accessTokenKey(shop)), ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}

/** Another container's view of the same table: its own token use case, same endpoint. */
function anotherContainer(cipher?: TokenCipher) {
  return new ShopAccessTokens({
    store: new DynamoDbAccessTokenStore(service.table.client, service.table.tableName),
    ...(cipher ? { cipher } : { cipher: { kind: 'none', seal: async (t) => t, open: async (t) => t } }),
    endpoint: new ShopifyTokenEndpoint({ base: () => fake.url, credentials: async () => ({ apiKey: API_KEY, apiSecret: SECRET }) }),
    clock: () => new Date(clockAt),
    logger: silentLogger(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 5)),
  });
}

/** A member with 600 points who redeems 500 of them for a coupon. */
async function redeemCoupon(customerId = '1001') {
  expect((await service.webhook('orders/paid', paidOrder({ id: 70, customerId: Number(customerId), subtotal: '600.00', at: '2026-05-30T10:00:00Z' }))).status).toBe(200);
  const response = await service.redeem(customerId, 'five-off');
  expect(response.status).toBe(201);
  return (await json(response)).code as string;
}

describe('installing: the token exchange', () => {
  it('exchanges the first valid session token of a shop and stores the expiring offline token', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5, subtotal: '10.00', at: '2026-05-30T10:00:00Z' }));
    const token = await sessionToken({ at: new Date(NOW) });

    const response = await admin('/setup', { token });

    expect(response.status).toBe(200);
    expect((await json(response)).accessToken).toEqual({ status: 'ok', expiresAt: '2026-06-01T13:00:00.000Z' });
    expect(oauth.requests).toHaveLength(1);
    expect(oauth.requests[0]!.body).toEqual({
      client_id: API_KEY,
      client_secret: SECRET,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:shopify:params:oauth:token-type:offline-access-token',
      expiring: '1',
    });
    expect(await storedItem()).toMatchObject({
      entity: 'access-token',
      shop: SHOP,
      accessToken: 'shpat_fake_1',
      refreshToken: 'shprt_fake_1',
      expiresAt: '2026-06-01T13:00:00.000Z',
      refreshTokenExpiresAt: '2026-08-30T12:00:00.000Z',
      scope: 'read_customers,read_orders,write_discounts,write_store_credit_account_transactions',
      status: 'ok',
    });
    // Its own item, not the shop record that every webhook reads.
    const shopRecord = await service.store.getShop(SHOP);
    expect(shopRecord).toBeDefined();
    expect(JSON.stringify(shopRecord)).not.toMatch(/shp(at|rt)_/);
  });

  it('does not exchange again while the shop has a usable token, nor twice for requests that come together', async () => {
    await Promise.all([admin('/program'), admin('/kpis'), admin('/setup')]);

    expect((await admin('/program')).status).toBe(200);

    expect(oauth.requests.map((r) => r.grantType)).toEqual(['urn:ietf:params:oauth:grant-type:token-exchange']);
  });

  it('answers a refused exchange with a problem+json and stores nothing', async () => {
    oauth.next = ['refuse'];

    const response = await admin('/program');

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = await json(response);
    expect(body).toMatchObject({ type: 'https://loyalty.dev/problems/token-exchange-refused', status: 401, title: problemTitle('token-exchange-refused') });
    expect(body.title).not.toBe(problemTitle('no-such-type'));
    expect(await storedItem()).toBeUndefined();
    expect(await service.store.getShop(SHOP)).toBeUndefined();
  });

  it('refuses a forged or expired session token with 401 before any exchange, storing nothing', async () => {
    const forged = await admin('/setup', { secret: 'not-the-app-secret' });
    const expired = await admin('/setup', { token: await sessionToken({ at: new Date('2026-06-01T11:00:00Z') }) });

    expect([forged.status, expired.status]).toEqual([401, 401]);
    expect((await json(forged)).type).toBe('https://loyalty.dev/problems/invalid-session-token');
    expect(oauth.requests).toEqual([]);
    expect(await storedItem()).toBeUndefined();
  });

  it('still answers the admin when Shopify cannot be reached, and exchanges on the next request', async () => {
    oauth.next = ['down'];

    const first = await admin('/program');

    expect(first.status).toBe(200);
    expect(await storedItem()).toBeUndefined();
    expect((await json(await admin('/setup'))).accessToken.status).toBe('ok');
    expect(oauth.requests).toHaveLength(2);
  });

  it('keeps each shop’s token under that shop: another shop’s session token never gets this one', async () => {
    await admin('/setup');

    const other = await json(await admin('/setup', { shop: OTHER_SHOP }));

    expect(other.accessToken.status).toBe('ok');
    expect(oauth.requests.map((r) => r.shop)).toEqual([SHOP, OTHER_SHOP]);
    expect(await storedItem(SHOP)).toMatchObject({ accessToken: 'shpat_fake_1' });
    expect(await storedItem(OTHER_SHOP)).toMatchObject({ accessToken: 'shpat_fake_2', shop: OTHER_SHOP });
    expect(oauth.issued.get('shpat_fake_2')).toBe(OTHER_SHOP);
  });
});

describe('using and renewing the token', () => {
  it('sends the exchanged token as X-Shopify-Access-Token when the coupon outbox creates the discount', async () => {
    await admin('/setup');
    fake.next = ['error-500'];
    const code = await redeemCoupon();
    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'pending' });

    await service.job('issue-coupons', '2026-06-01T12:05:00Z');

    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'issued' });
    expect(fake.calls.map((call) => call.token)).toEqual(['shpat_fake_1', 'shpat_fake_1']);
  });

  it('refreshes an expired access token before issuing a coupon and keeps the rotated refresh token', async () => {
    await admin('/setup');
    setNow(HOURS_LATER);

    await redeemCoupon();

    expect(oauth.requests.map((r) => r.grantType)).toEqual(['urn:ietf:params:oauth:grant-type:token-exchange', 'refresh_token']);
    expect(oauth.requests[1]!.body).toEqual({ client_id: API_KEY, client_secret: SECRET, grant_type: 'refresh_token', refresh_token: 'shprt_fake_1' });
    expect(fake.calls.at(-1)!.token).toBe('shpat_fake_2');
    expect(await storedItem()).toMatchObject({ accessToken: 'shpat_fake_2', refreshToken: 'shprt_fake_2', expiresAt: '2026-06-01T15:00:00.000Z', status: 'ok' });
  });

  it('refreshes once when two containers find the token expired together; both use the winner’s token', async () => {
    await admin('/setup');
    setNow(HOURS_LATER);
    oauth.delayMs = 150;
    const [a, b] = [anotherContainer(), anotherContainer()];

    const tokens = await Promise.all([a.accessToken(SHOP), b.accessToken(SHOP)]);

    expect(tokens).toEqual(['shpat_fake_2', 'shpat_fake_2']);
    expect(oauth.requests.filter((r) => r.grantType === 'refresh_token')).toHaveLength(1);
    expect(await storedItem()).toMatchObject({ refreshToken: 'shprt_fake_2' });
    // The kept refresh token is the live one: the next renewal works.
    setNow('2026-06-01T16:00:00Z');
    expect(await a.accessToken(SHOP)).toBe('shpat_fake_3');
  });

  it('marks the shop needs-reauth when Shopify refuses the refresh, shows it, and exchanges again on the next session token', async () => {
    await admin('/setup');
    setNow(HOURS_LATER);
    oauth.next = ['refuse'];

    expect(await anotherContainer().accessToken(SHOP)).toBeUndefined();

    expect(await storedItem()).toMatchObject({ status: 'needs-reauth' });
    oauth.next = ['down']; // the re-exchange cannot happen yet: the screen says why coupons wait
    expect((await json(await admin('/setup'))).accessToken).toEqual({ status: 'needs-reauth', expiresAt: '2026-06-01T13:00:00.000Z' });
    expect((await json(await admin('/setup'))).accessToken).toEqual({ status: 'ok', expiresAt: '2026-06-01T15:00:00.000Z' });
    expect(oauth.requests.map((r) => r.grantType.replace(/^urn:.*token-exchange$/, 'exchange'))).toEqual(['exchange', 'refresh_token', 'exchange', 'exchange']);
  });

  it('marks the shop needs-reauth when the Admin API refuses its token (revoked in Shopify), and the next session token exchanges a new one', async () => {
    await admin('/setup');
    fake.token = 'only-a-new-token-works'; // Shopify no longer accepts shpat_fake_1

    const code = await redeemCoupon();

    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'pending', lastError: expect.stringContaining('refused (401)') });
    expect(await storedItem()).toMatchObject({ status: 'needs-reauth' });
    // The shop's admin opens the app: a new exchange, and the coupon goes out on the next run.
    expect((await json(await admin('/setup'))).accessToken).toMatchObject({ status: 'ok' });
    await service.job('issue-coupons', '2026-06-01T12:30:00Z');
    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'issued' });
    expect(fake.calls.at(-1)!.token).toBe('shpat_fake_2');
  });

  it('deletes the shop’s tokens on app/uninstalled', async () => {
    await admin('/setup');
    expect(await storedItem()).toBeDefined();

    expect((await service.webhook('app/uninstalled', appUninstalled())).status).toBe(200);

    expect(await storedItem()).toBeUndefined();
    expect(await anotherContainer().accessToken(SHOP)).toBeUndefined();
  });

  it('erases the token item with the shop on shop/redact, and records no delivery after it', async () => {
    await admin('/setup');

    expect((await service.webhook('shop/redact', { shop_id: 1, shop_domain: SHOP })).status).toBe(200);

    expect(await storedItem()).toBeUndefined();
    expect(await new DynamoDbWebhookDeliveryLog(service.table.client, service.table.tableName).lastDeliveries(SHOP)).toEqual([]);
  });

  it('stores no plaintext token when a cipher is configured, and opens what it sealed', async () => {
    const cipher: TokenCipher = {
      kind: 'kms',
      seal: async (token, shop) => Buffer.from(`${shop}|${[...token].reverse().join('')}`).toString('base64'),
      open: async (sealed, shop) => {
        const [forShop, reversed = ''] = Buffer.from(sealed, 'base64').toString().split('|');
        if (forShop !== shop) throw new Error('sealed for another shop');
        return [...reversed].reverse().join('');
      },
    };
    const container = anotherContainer(cipher);

    await container.onSessionToken(SHOP, await sessionToken({ at: new Date(NOW) }));

    const raw = JSON.stringify(await storedItem());
    expect(raw).not.toContain('shpat_fake_1');
    expect(raw).not.toContain('shprt_fake_1');
    expect(await storedItem()).toMatchObject({ sealedWith: 'kms' });
    expect(await container.accessToken(SHOP)).toBe('shpat_fake_1');
    setNow(HOURS_LATER);
    expect(await container.accessToken(SHOP)).toBe('shpat_fake_2');
    expect(JSON.stringify(await storedItem())).not.toMatch(/shp(at|rt)_fake/);
  });
});

describe('GET /admin/setup', () => {
  it('lists every handled topic with its last delivery, written at most once a minute per topic', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5, subtotal: '10.00', at: '2026-05-30T10:00:00Z' }));
    setNow('2026-06-01T12:00:30Z');
    await service.webhook('orders/paid', paidOrder({ id: 2, customerId: 5, subtotal: '10.00', at: '2026-05-30T10:00:00Z' }));
    const soon = await json(await admin('/setup'));
    setNow('2026-06-01T12:01:10Z');
    await service.webhook('orders/paid', paidOrder({ id: 3, customerId: 5, subtotal: '10.00', at: '2026-05-30T10:00:00Z' }));

    const later = await json(await admin('/setup'));

    const topic = (view: any, name: string) => view.webhooks.find((w: any) => w.topic === name);
    expect(topic(soon, 'orders/paid')).toEqual({ topic: 'orders/paid', lastDeliveryAt: '2026-06-01T12:00:00.000Z' });
    expect(topic(later, 'orders/paid')).toEqual({ topic: 'orders/paid', lastDeliveryAt: '2026-06-01T12:01:10.000Z' });
    expect(later.webhooks.map((w: any) => w.topic).sort()).toEqual(
      ['app/uninstalled', 'customers/create', 'customers/data_request', 'customers/redact', 'customers/update', 'orders/cancelled', 'orders/paid', 'refunds/create', 'shop/redact'].sort(),
    );
    expect(topic(later, 'refunds/create')).toEqual({ topic: 'refunds/create', lastDeliveryAt: null });
    expect(later.mail).toEqual({ configured: true, sender: 'rewards@shop.example', configurationSet: 'loyalty-dev' });
    expect(later.accessToken.status).toBe('ok');
  });

  it('shows another shop nothing of this one, and mail unconfigured without a sender', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5, subtotal: '10.00', at: '2026-05-30T10:00:00Z' }));
    const local = await testService(NOW);

    const view = await json(await local.app.request('/admin/setup', { headers: { authorization: `Bearer ${await sessionToken({ at: new Date(NOW) })}` } }));

    expect(view.accessToken).toEqual({ status: 'missing' });
    expect(view.mail).toEqual({ configured: false });
    const other = await json(await admin('/setup', { shop: OTHER_SHOP }));
    expect(other.webhooks.every((w: any) => w.lastDeliveryAt === null)).toBe(true);
  });

  it('says override for a shop whose token SHOPIFY_ADMIN_ACCESS_TOKENS names, and exchanges nothing for it', async () => {
    const local = await testService(NOW, { env: { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: 'shpat_by_hand' }) } });

    const view = await json(await local.app.request('/admin/setup', { headers: { authorization: `Bearer ${await sessionToken({ at: new Date(NOW) })}` } }));

    expect(view.accessToken).toEqual({ status: 'override' });
    expect(oauth.requests).toEqual([]);
  });
});
