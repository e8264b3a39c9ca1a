/**
 * DynamoDB faults between the service and DynamoDB Local, injected by a proxy on loopback:
 * throttling, transaction conflicts, server errors and dropped connections (before DynamoDB has
 * the call, or after it applied it and before the client heard). Webhooks are delivered as
 * Shopify delivers them: a 5xx answer is retried with the same webhook id. Nothing is lost,
 * nothing doubled, and every failure that reaches the handler is logged.
 */
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../shared/clock.ts';
import type { DiscountIssuer } from '../../shared/shopify/admin-graphql.ts';
import { createLocalApp } from '../../local/server.ts';
import { localClient } from '../../local/dynamodb-local.ts';
import { freshTable } from '../support/database.ts';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import { API_KEY, SECRET, webhookRequest } from '../support/http.ts';
import { captureLogs, failuresLoggedFor, type LogLine } from './captured-logs.ts';
import { seededStorm, startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.ts';

const NOW = '2026-03-01T12:00:00Z';
const noDiscounts: DiscountIssuer = { issue: async () => ({ kind: 'retry', afterMs: 60_000, reason: 'not in this test' }) };

let table: Awaited<ReturnType<typeof freshTable>>;
let proxy: FaultProxy;
let logs: { lines: LogLine[]; restore: () => void };
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  table = await freshTable();
  proxy = await startFaultProxy(table.endpoint);
  logs = captureLogs();
});
afterEach(() => {
  proxy.plan = () => undefined;
});
afterAll(async () => {
  logs.restore();
  for (const client of clients) client.destroy();
  await proxy.close();
});

/** The local app over DynamoDB at `endpoint` (the proxy, or DynamoDB Local itself). */
function appOver(endpoint: string, tableName = table.tableName) {
  const client = localClient(endpoint);
  clients.push(client);
  const logger = new Logger({ serviceName: 'loyalty-faults', logLevel: 'INFO' });
  const app = createLocalApp({ client, endpoint, tableName, secrets: { apiSecret: SECRET, apiKey: API_KEY }, clock: fixedClock(NOW), logger, discounts: noDiscounts });
  return { ...app, client };
}

interface Webhook {
  topic: string;
  body: Json;
  webhookId: string;
}

interface Delivered {
  webhookId: string;
  statuses: number[];
  outcome?: string;
}

/**
 * Delivers a webhook as Shopify does: a 5xx answer (or a lost connection) is retried with the
 * same webhook id, until a 200. Any 4xx fails the test: none of these webhooks is invalid.
 */
async function deliverUntilAccepted(app: ReturnType<typeof appOver>['app'], shop: string, webhook: Webhook): Promise<Delivered> {
  const delivered: Delivered = { webhookId: webhook.webhookId, statuses: [] };
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await app.request(webhookRequest(webhook.topic, webhook.body, { shop, webhookId: webhook.webhookId, eventId: `event-${webhook.webhookId}` }));
    delivered.statuses.push(response.status);
    if (response.status === 200) return { ...delivered, outcome: ((await response.json()) as { outcome: string }).outcome };
    expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  }
  throw new Error(`webhook ${webhook.webhookId} never accepted: ${delivered.statuses.join(', ')}`);
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/** Every item of a table, as records. */
async function tableItems(client: DynamoDBClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      const record = unmarshall(item);
      // The order in which concurrent deliveries for one member landed shows in balanceAfter only.
      delete record.balanceAfter;
      items.push(record);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => `${a.PK} ${a.SK}`.localeCompare(`${b.PK} ${b.SK}`));
}

/** Three customers' signups, twelve small orders (everyone stays Bronze), refunds and cancellations. */
function history(tag: string): Webhook[][] {
  const at = (day: number) => new Date(Date.parse('2026-02-01T10:00:00Z') + day * 86_400_000).toISOString();
  const customers = [3001, 3002, 3003];
  const customer = (id: number) => ({ id, email: `c${id}@example.com`, created_at: at(0), updated_at: at(0), email_marketing_consent: { state: 'subscribed' } });
  const signups = customers.map((id) => ({ topic: 'customers/create', body: customer(id), webhookId: `${tag}-create-${id}` }));
  const orders = Array.from({ length: 12 }, (_, i) => ({
    topic: 'orders/paid',
    body: {
      ...paidOrder({ id: 800 + i, subtotal: `${10 + i * 2}.${String(i * 7).padStart(2, '0')}`, at: at(1 + i) }),
      customer: customer(customers[i % 3]!),
    },
    webhookId: `${tag}-paid-${800 + i}`,
  }));
  const refunds = [0, 1, 2, 3].map((i) => ({
    topic: 'refunds/create',
    body: refund({ id: 900 + i, orderId: 800 + i, subtotal: '5.55', at: at(20 + i) }),
    webhookId: `${tag}-refund-${900 + i}`,
  }));
  const cancellations = [4, 5].map((i) => ({
    topic: 'orders/cancelled',
    body: { ...orders[i]!.body, cancelled_at: at(25 + i), financial_status: 'refunded' },
    webhookId: `${tag}-cancel-${800 + i}`,
  }));
  return [[...signups, ...orders], [...refunds, ...cancellations]];
}

const member = async (app: ReturnType<typeof appOver>, shop: string, customerId: string) => {
  const stored = await app.store.getMember(shop, customerId);
  const ledger = (await app.store.ledger(shop, customerId, { limit: 100 })).items;
  return { balance: stored?.balance, entries: ledger.length, sum: ledger.reduce((s, e) => s + e.points, 0) };
};

describe('a storm of DynamoDB faults', () => {
  it('applies every webhook exactly once, ending where a fault-free run ends, and logs every 5xx', async () => {
    // The same shop in two tables of one DynamoDB Local: one reached directly, one through the proxy.
    const shop = 'storm.myshopify.com';
    const [calmTable, stormTable] = [await freshTable(), await freshTable()];
    const direct = appOver(table.endpoint, calmTable.tableName);
    const proxied = appOver(proxy.endpoint, stormTable.tableName);
    for (const wave of history('storm')) await pool(wave, 4, (webhook) => deliverUntilAccepted(direct.app, shop, webhook));

    // Every transaction write meets, in turn, each kind of fault (three in a row now and then, so
    // that the SDK's own retries run out and the handler sees it); other calls fail at random.
    const cycle: (Fault | undefined)[] = ['drop-after', undefined, 'throttle', 'transaction-conflict', undefined, 'drop-before', 'provisioned-throughput', undefined, 'internal-error', 'drop-after', 'drop-before', 'throttle', undefined];
    const others = seededStorm(20260301, 0.25, ['throttle', 'provisioned-throughput', 'internal-error', 'drop-before', 'drop-after']);
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? cycle[(call.n - 1) % cycle.length] : others(call));
    const delivered: Delivered[] = [];
    for (const wave of history('storm')) delivered.push(...(await pool(wave, 4, (webhook) => deliverUntilAccepted(proxied.app, shop, webhook))));
    proxy.plan = () => undefined;

    for (const kind of ['drop-after', 'drop-before', 'throttle', 'provisioned-throughput', 'transaction-conflict', 'internal-error']) {
      expect(proxy.injected.get(`${kind} TransactWriteItems`) ?? 0, kind).toBeGreaterThan(0);
    }
    expect([...proxy.injected.keys()].some((key) => key.endsWith('BatchGetItem'))).toBe(true);
    // Nothing lost, nothing doubled: the same records, counters and ledger as without faults.
    expect(await tableItems(direct.client, stormTable.tableName)).toEqual(await tableItems(direct.client, calmTable.tableName));
    for (const customerId of ['3001', '3002', '3003']) {
      const after = await member(proxied, shop, customerId);
      expect(after.sum).toBe(after.balance);
    }
    // Where the SDK's own retries ran out, Shopify saw a 5xx (and retried): each one is in the
    // logs, under its webhook id. (The single-fault tests below make sure that happens.)
    for (const delivery of delivered.filter((d) => d.statuses.some((status) => status >= 500))) {
      const failures = delivery.statuses.filter((status) => status >= 500).length;
      expect(failuresLoggedFor(logs.lines, delivery.webhookId).length, delivery.webhookId).toBeGreaterThanOrEqual(failures);
    }
  }, 120_000);
});

describe('one fault at a time', () => {
  const shop = 'one-fault.myshopify.com';
  let proxied: ReturnType<typeof appOver>;
  let direct: ReturnType<typeof appOver>;
  beforeAll(() => {
    proxied = appOver(proxy.endpoint);
    direct = appOver(table.endpoint);
  });
  const order = (id: number, customerId: number) => ({ topic: 'orders/paid', body: paidOrder({ id, customerId, subtotal: '42.00', at: '2026-02-20T10:00:00Z' }), webhookId: `one-${id}` });
  const answer = (webhook: Webhook, webhookId = webhook.webhookId) =>
    proxied.app.request(webhookRequest(webhook.topic, webhook.body, { shop, webhookId, eventId: `event-${webhookId}` }));

  it('applies once a commit that DynamoDB applied but whose answer was lost (the SDK retried it)', async () => {
    let writes = 0;
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' && writes++ === 0 ? 'drop-after' : undefined);
    const response = await answer(order(1, 4001));
    expect(response.status).toBe(200);
    expect(writes).toBe(2);
    expect(await member(direct, shop, '4001')).toEqual({ balance: 42, entries: 1, sum: 42 });
  });

  it('answers 500 problem+json when every try fails after the write landed, logs it, and the retry changes nothing', async () => {
    const before = logs.lines.length;
    let writes = 0;
    // The first try lands and its answer is lost; every retry of the SDK is cut off.
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? (++writes === 1 ? 'drop-after' : 'drop-before') : undefined);
    const webhook = order(2, 4002);
    const first = await answer(webhook);
    proxy.plan = () => undefined;
    expect(writes).toBeGreaterThan(1);
    expect(first.status).toBe(500);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(failuresLoggedFor(logs.lines.slice(before), webhook.webhookId)).toHaveLength(1);

    const retried = await answer(webhook);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ outcome: 'duplicate' });
    // The same order under a new webhook id (another subscription): recognised by the order itself.
    expect(await (await answer(webhook, 'one-2-another-id')).json()).toMatchObject({ outcome: 'duplicate' });
    expect(await member(direct, shop, '4002')).toEqual({ balance: 42, entries: 1, sum: 42 });
  });

  it('retries throttled reads and writes inside the SDK, and answers 500 once throttling outlasts them', async () => {
    let reads = 0;
    let writes = 0;
    proxy.plan = (call) =>
      (call.operation === 'BatchGetItem' && reads++ < 2) || (call.operation === 'TransactWriteItems' && writes++ < 2) ? 'throttle' : undefined;
    expect((await answer(order(3, 4003))).status).toBe(200);
    expect(await member(direct, shop, '4003')).toEqual({ balance: 42, entries: 1, sum: 42 });

    const before = logs.lines.length;
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? 'provisioned-throughput' : undefined);
    const webhook = order(4, 4004);
    expect((await answer(webhook)).status).toBe(500);
    expect(failuresLoggedFor(logs.lines.slice(before), webhook.webhookId)).toHaveLength(1);
    expect(await member(direct, shop, '4004')).toEqual({ balance: undefined, entries: 0, sum: 0 });
    proxy.plan = () => undefined;
    expect((await answer(webhook)).status).toBe(200);
    expect(await member(direct, shop, '4004')).toEqual({ balance: 42, entries: 1, sum: 42 });
  });

  it('retries transaction conflicts until the write lands once, and answers 503 busy (logged) when they never end', async () => {
    let conflicts = 0;
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' && conflicts++ < 5 ? 'transaction-conflict' : undefined);
    expect(await (await answer(order(5, 4005))).json()).toMatchObject({ outcome: 'applied', points: 42 });
    expect(await member(direct, shop, '4005')).toEqual({ balance: 42, entries: 1, sum: 42 });

    const before = logs.lines.length;
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? 'transaction-conflict' : undefined);
    const webhook = order(6, 4006);
    const busy = await answer(webhook);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.json()).toMatchObject({ type: 'https://loyalty.dev/problems/busy' });
    expect(failuresLoggedFor(logs.lines.slice(before), webhook.webhookId)).toHaveLength(1);
    proxy.plan = () => undefined;
    expect((await answer(webhook)).status).toBe(200);
    expect(await member(direct, shop, '4006')).toEqual({ balance: 42, entries: 1, sum: 42 });
  }, 60_000);
});
