/** Real signed requests to the app: webhooks with Shopify's HMAC, storefront calls with the App Proxy signature. */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { fixedClock } from '../../shared/clock.ts';
import { signProxyQuery } from '../../shared/shopify/app-proxy-signature.ts';
import { signWebhook } from '../../shared/shopify/webhook-signature.ts';
import { createLocalApp } from '../../local/server.ts';
import type { DiscountIssuer } from '../../shared/shopify/admin-graphql.ts';
import { freshTable } from './database.ts';

export const SECRET = 'test-app-secret';
export const API_KEY = 'test-app-key';
export const SHOP = 'test-shop.myshopify.com';

export const silentLogger = () => new Logger({ serviceName: 'loyalty-test', logLevel: 'SILENT' });

export interface WebhookOptions {
  shop?: string;
  webhookId?: string;
  eventId?: string;
  secret?: string;
  hmac?: string | null;
}

export function webhookRequest(topic: string, body: unknown, options: WebhookOptions = {}): Request {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': options.shop ?? SHOP,
    'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
    'x-shopify-api-version': '2026-10',
  };
  if (options.eventId) headers['x-shopify-event-id'] = options.eventId;
  if (options.hmac !== null) headers['x-shopify-hmac-sha256'] = options.hmac ?? signWebhook(raw, options.secret ?? SECRET);
  return new Request('http://127.0.0.1/webhooks/shopify', { method: 'POST', headers, body: raw });
}

/** The query string Shopify's App Proxy adds, signed. */
export function proxyQuery(options: { shop?: string; customerId?: string; at: Date; secret?: string; extra?: Record<string, string> }): string {
  const query: Record<string, string[]> = {
    shop: [options.shop ?? SHOP],
    logged_in_customer_id: [options.customerId ?? ''],
    path_prefix: ['/apps/loyalty'],
    timestamp: [String(Math.floor(options.at.getTime() / 1000))],
    ...Object.fromEntries(Object.entries(options.extra ?? {}).map(([k, v]) => [k, [v]])),
  };
  const signature = signProxyQuery(query, options.secret ?? SECRET);
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(query)) for (const value of values) params.append(name, value);
  params.append('signature', signature);
  return params.toString();
}

/** The app over a fresh table, its clock stopped at `now` (movable). */
export async function testService(now = '2026-06-01T12:00:00Z', options: { discounts?: DiscountIssuer; env?: Record<string, string | undefined>; outbound?: boolean } = {}) {
  const table = await freshTable();
  let clockAt = now;
  const { app, store, outbox, stream, outbound, events } = createLocalApp({
    client: table.client,
    endpoint: table.endpoint,
    tableName: table.tableName,
    secrets: { apiSecret: SECRET, apiKey: API_KEY },
    clock: () => fixedClock(clockAt)(),
    logger: silentLogger(),
    ...(options.discounts ? { discounts: options.discounts } : {}),
    ...(options.env ? { env: options.env } : {}),
    // The outbound pipeline (metafields, events) runs only for the tests that ask for it.
    outbound: options.outbound ?? false,
  });
  const service = {
    app,
    store,
    outbox,
    /** Runs a scheduled job through `POST /dev/jobs/:name?now=`. */
    job: async (name: string, now: string) => {
      const response = await app.request(`/dev/jobs/${name}?now=${encodeURIComponent(now)}`, { method: 'POST' });
      if (response.status !== 200) throw new Error(`job ${name}: ${response.status} ${await response.text()}`);
      return (await response.json()) as any;
    },
    table,
    /** Waits until the figures have taken in every change made so far (reads the change stream to its end). */
    figures: () => stream.drain(),
    /**
     * With `outbound: true`: reads the change stream to its end and sends the outbound work due at
     * the service's clock (metafields, events); work deferred or failed waits for a later clock.
     */
    outbound: () => stream.drain(),
    /** The local outbound queue (what waits) and event bus (what was published, newest first). */
    outboundQueue: outbound,
    events,
    setNow: (iso: string) => void (clockAt = iso),
    webhook: (topic: string, body: unknown, options?: WebhookOptions) => app.request(webhookRequest(topic, body, options)),
    proxy: (path: string, options: { customerId?: string; shop?: string; extra?: Record<string, string> } = {}) =>
      app.request(`/proxy${path}?${proxyQuery({ ...options, at: new Date(clockAt) })}`),
    redeem: (customerId: string, rewardId: unknown, headers: Record<string, string> = {}, shop?: string) =>
      app.request(`/proxy/member/redemptions?${proxyQuery({ customerId, at: new Date(clockAt), ...(shop ? { shop } : {}) })}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof rewardId === 'string' ? JSON.stringify({ rewardId }) : JSON.stringify(rewardId),
      }),
    member: async (customerId: string, shop?: string) => {
      const response = await service.proxy('/member', { customerId, ...(shop ? { shop } : {}) });
      if (response.status !== 200) throw new Error(`member ${customerId}: ${response.status} ${await response.text()}`);
      return (await response.json()) as any;
    },
  };
  return service;
}

/** A response body as JSON, for assertions (tests look into it freely). */
export async function json(response: Response): Promise<any> {
  return response.json();
}

/** A Shopify session token as App Bridge makes one: HS256 with the app secret, `dest` the shop. */
export async function sessionToken(options: { shop?: string; at: Date; secret?: string; aud?: string; sub?: string; expiresIn?: number; notBefore?: number }): Promise<string> {
  const { sign } = await import('hono/jwt');
  const now = Math.floor(options.at.getTime() / 1000);
  const shop = options.shop ?? SHOP;
  return sign(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: options.aud ?? API_KEY,
      sub: options.sub ?? '42',
      exp: now + (options.expiresIn ?? 60),
      nbf: now + (options.notBefore ?? 0),
      iat: now,
      jti: crypto.randomUUID(),
      sid: 'session',
    },
    options.secret ?? SECRET,
    'HS256',
  );
}
