/**
 * The Lambda entries, fed the events AWS gives them: an API Gateway v2 request to the webhook
 * receiver, whose SQS message (caught by a stand-in SQS endpoint on loopback) goes to the
 * processor, or for `shop/redact` to the shop eraser, as an SQS event, and the storefront API
 * answering from DynamoDB Local, and the scheduled jobs' entries over a year of one shop. Each
 * entry's DynamoDB calls are held to the rights the stack gives its function (the synthesized IAM
 * policy, evaluated before each request is sent).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { synthesize } from '../infra/synthesized-stack.ts';
import { TablePolicy, tableRequests } from '../infra/table-policy.ts';
import { freshTable } from '../support/database.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { paidOrder } from '../support/fixtures.ts';
import { proxyQuery, SECRET, API_KEY, SHOP, webhookRequest } from '../support/http.ts';
import { startFakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { addFakeOrders, sampleOrder } from '../support/fake-shopify-orders.ts';

interface SentMessage {
  QueueUrl: string;
  MessageBody: string;
  MessageAttributes: Record<string, { DataType: string; StringValue: string }>;
}

const QUEUE_URL = 'webhooks';
const SHOP_REDACT_QUEUE_URL = 'shop-redact';

const sent: SentMessage[] = [];
let sqs: Server;

/** Answers SendMessage in the SQS JSON protocol, as far as the SDK checks it. */
function startSqsStandIn(): Promise<string> {
  sqs = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const message = JSON.parse(body) as SentMessage;
      sent.push(message);
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      response.end(JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(message.MessageBody).digest('hex') }));
    });
  });
  return new Promise((resolve) => sqs.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(sqs.address() as AddressInfo).port}`)));
}

/**
 * Answers EventBridge's PutEvents (JSON protocol) and S3's PutObject, as far as the SDK checks them,
 * for the jobs that put events (reminders, win-back) and write exports; what they got is kept.
 */
async function startAwsStandIn(): Promise<{ url: string; events: unknown[]; objects: string[]; close: () => void }> {
  const events: unknown[] = [];
  const objects: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'PUT') {
        objects.push(request.url ?? '');
        response.setHeader('etag', '"stand-in"');
        response.end();
        return;
      }
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        response.statusCode = 400;
        response.end();
        return;
      }
      const { Entries = [] } = JSON.parse(body) as { Entries?: unknown[] };
      events.push(...Entries);
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      response.end(JSON.stringify({ FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: randomUUID() })) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, objects, close: () => server.close() };
}

async function apiEvent(request: Request): Promise<APIGatewayProxyEventV2> {
  const url = new URL(request.url);
  const headers = Object.fromEntries(request.headers.entries());
  const body = request.method === 'GET' ? undefined : await request.text();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '111111111111',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: request.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'Shopify-Captain-Hook' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(body !== undefined ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

const context = { functionName: 'test', awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
/** A scheduled job's invocation: most of Lambda's 15 minutes still ahead (a job stops a minute short). */
const jobContext = { ...context, getRemainingTimeInMillis: () => 14 * 60_000 } as Context;

/** The scheduled jobs, by the name of their function in the stack. */
const JOB_NAMES = ['IssueCoupons', 'Expire', 'Activate', 'Remind', 'Winback', 'Tiers', 'ExportData', 'Reconcile'] as const;
type JobName = (typeof JOB_NAMES)[number];
type Acting = 'processor' | 'shopEraser' | 'api' | JobName;

/** A queued message as the SQS event hands it to a function. */
function sqsRecord(message: SentMessage, messageId: string): SQSEvent['Records'][number] {
  return {
    messageId,
    receiptHandle: messageId,
    body: message.MessageBody,
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes).map(([name, value]) => [name, { dataType: value.DataType, stringValue: value.StringValue, stringListValues: [], binaryListValues: [] }]),
    ),
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:111111111111:${message.QueueUrl.split('/').pop()}`,
    awsRegion: 'us-east-1',
  };
}

/**
 * Which function is running, so its DynamoDB calls are checked against its own policy; every
 * request its policy would refuse is recorded (and refused, as AWS would).
 */
const rights: { acting?: { name: string; policy: TablePolicy }; denied: string[] } = { denied: [] };

describe('the Lambda entries', () => {
  let receiver: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let shopEraser: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let api: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let appPage: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let table: Awaited<ReturnType<typeof freshTable>>;
  /** Runs `call` as the stack's function `fn`: under its table rights. */
  let as: <T>(fn: Acting, call: () => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    table = await freshTable();
    const sqsEndpoint = await startSqsStandIn();
    vi.stubEnv('TABLE_NAME', table.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', table.endpoint);
    vi.stubEnv('QUEUE_URL', `${sqsEndpoint}/111111111111/${QUEUE_URL}`);
    vi.stubEnv('SHOP_REDACT_QUEUE_URL', `${sqsEndpoint}/111111111111/${SHOP_REDACT_QUEUE_URL}`);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqsEndpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('SHOPIFY_API_SECRET', SECRET);
    vi.stubEnv('SHOPIFY_API_KEY', API_KEY);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    receiver = (await import('../../functions/webhook-receiver/index.ts')).handler as typeof receiver;
    processor = (await import('../../functions/webhook-processor/index.ts')).handler;
    shopEraser = (await import('../../functions/shop-eraser/index.ts')).handler;
    api = (await import('../../functions/api/index.ts')).handler as typeof api;
    appPage = (await import('../../functions/app-page/index.ts')).handler as typeof appPage;

    // The rights the stack gives each function, checked before every request the shared client sends.
    const { template, stack } = synthesize({ context: { stage: 'prod' } });
    const job = (name: JobName) => stack.scheduledJobs.functions.find((fn) => fn.node.id === name)!;
    const functions: Record<Acting, LoyaltyFunction> = {
      processor: stack.intake.processor,
      shopEraser: stack.intake.shopEraser,
      api: stack.api,
      ...(Object.fromEntries(JOB_NAMES.map((name) => [name, job(name)])) as Record<JobName, LoyaltyFunction>),
    };
    const { dynamoDbClient } = await import('../../functions/runtime/store.ts');
    dynamoDbClient().middlewareStack.add(
      (next, handlerContext) => async (args) => {
        const acting = rights.acting;
        for (const request of acting ? tableRequests(handlerContext.commandName ?? '', args.input as Record<string, unknown>) : []) {
          if (acting!.policy.allows(request)) continue;
          const refusal = `${acting!.name} may not ${request.action} on ${request.resource} (${request.leadingKeys.join(', ') || 'no key'})`;
          rights.denied.push(refusal);
          throw Object.assign(new Error(refusal), { name: 'AccessDeniedException' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'stackTableRights' },
    );
    as = async (name, call) => {
      rights.acting = { name, policy: new TablePolicy(template, stack.table, functions[name]) };
      try {
        return await call();
      } finally {
        rights.acting = undefined;
      }
    };
  });
  afterEach(() => {
    // A refusal the code swallowed (the delivery log does) is still a right the function lacks.
    expect(rights.denied.splice(0)).toEqual([]);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    sqs?.close();
  });

  /** Everything held for `shop`, by partition, as the eraser's own queries would find it. */
  async function itemsOf(shop: string): Promise<string[]> {
    const partitions = [`SHOP#${shop}`, `MEMBER#${shop}#3101`];
    const found: string[] = [];
    for (const pk of partitions) {
      const { Items = [] } = await table.client.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }));
      found.push(...Items.map((item) => `${item.PK?.S} ${item.SK?.S}`));
    }
    return found;
  }

  it('receives a signed webhook, queues it, processes it, and shows the points', async () => {
    const order = paidOrder({ id: 42, customerId: 3001, subtotal: '75.50', at: new Date().toISOString() });
    const received = await receiver(await apiEvent(webhookRequest('orders/paid', order, { webhookId: 'lambda-1' })), context);
    expect(received).toMatchObject({ statusCode: 200 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.MessageAttributes.webhookId?.StringValue).toBe('lambda-1');
    expect(sent[0]!.QueueUrl).toMatch(new RegExp(`/${QUEUE_URL}$`));

    // Delivered twice, as SQS may: processed once.
    const batch = await as('processor', () => processor({ Records: [sqsRecord(sent[0]!, 'm1'), sqsRecord(sent[0]!, 'm2')] }, context));
    expect(batch.batchItemFailures).toEqual([]);

    const url = `http://127.0.0.1/proxy/member?${proxyQuery({ customerId: '3001', at: new Date() })}`;
    const answer = await as('api', async () => api(await apiEvent(new Request(url)), context));
    expect(answer).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ balance: 75 });
  });

  it('serves the admin page from its own function, with the app key, and not the API', async () => {
    const page = (await appPage(await apiEvent(new Request('http://127.0.0.1/app?shop=test-shop.myshopify.com')), context)) as { statusCode: number; body: string };
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<meta name="shopify-api-key" content="${API_KEY}">`);
    expect(((await api(await apiEvent(new Request('http://127.0.0.1/app')), context)) as { statusCode: number }).statusCode).toBe(404);
  });

  it('rejects a forged webhook at the receiver without queueing it', async () => {
    const before = sent.length;
    const order = paidOrder({ id: 43, customerId: 3001, subtotal: '10.00', at: new Date().toISOString() });
    const answer = await receiver(await apiEvent(webhookRequest('orders/paid', order, { secret: 'forged' })), context);
    expect(answer).toMatchObject({ statusCode: 401 });
    expect(sent).toHaveLength(before);
  });

  it('reports a failed message for SQS to retry, drops one that can never succeed, and processes the rest', async () => {
    const make = (messageId: string, body: string, shop: string) =>
      ({
        messageId,
        receiptHandle: messageId,
        body,
        attributes: {},
        messageAttributes: { shop: { dataType: 'String', stringValue: shop }, topic: { dataType: 'String', stringValue: 'orders/paid' } },
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:webhooks',
        awsRegion: 'us-east-1',
      }) as unknown as SQSEvent['Records'][number];
    const order = JSON.stringify(paidOrder({ id: 44, customerId: 3002, subtotal: '5.00', at: new Date().toISOString() }));
    // A key over DynamoDB's 2048-byte limit makes the write itself fail, as an outage would.
    const unwritable = `${'x'.repeat(2100)}.myshopify.com`;
    const result = await as('processor', () => processor({ Records: [make('good', order, SHOP), make('poison', '{', SHOP), make('failing', order, unwritable)] }, context));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'failing' }]);
    const url = `http://127.0.0.1/proxy/member?${proxyQuery({ customerId: '3002', at: new Date() })}`;
    expect(JSON.parse(((await as('api', async () => api(await apiEvent(new Request(url)), context))) as { body: string }).body)).toMatchObject({ balance: 5 });
  });

  it('redeems, takes survey answers and the privacy topics within the rights the stack gives the API and the processor', async () => {
    const at = new Date();
    const deliver = async (topic: string, body: unknown) => {
      const from = sent.length;
      expect(await receiver(await apiEvent(webhookRequest(topic, body)), context)).toMatchObject({ statusCode: 200 });
      const batch = await as('processor', () => processor({ Records: sent.slice(from).map((message, i) => sqsRecord(message, `${topic}-${i}`)) }, context));
      expect(batch.batchItemFailures).toEqual([]);
    };
    const proxy = async (path: string, init: RequestInit = {}) => {
      const answer = await as('api', async () => api(await apiEvent(new Request(`http://127.0.0.1/proxy${path}?${proxyQuery({ customerId: '3003', at })}`, init)), context));
      return answer as { statusCode: number; body: string };
    };
    await deliver('orders/paid', paidOrder({ id: 45, customerId: 3003, subtotal: '600.00', at: at.toISOString() }));

    const redeemed = await proxy('/member/redemptions', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'lambda-redeem-1' }, body: JSON.stringify({ rewardId: 'five-off' }) });
    const answered = await proxy('/member/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 5, comment: 'call me' }) });
    await deliver('customers/data_request', { shop_id: 1, shop_domain: SHOP, customer: { id: 3003 }, orders_requested: [45], data_request: { id: 77 } });
    await deliver('customers/redact', { shop_id: 1, shop_domain: SHOP, customer: { id: 3003 }, orders_to_redact: [45] });
    await deliver('app/uninstalled', { id: 1, name: 'Shop', myshopify_domain: SHOP, domain: SHOP });

    expect(redeemed.statusCode).toBe(201);
    expect(answered.statusCode).toBe(201);
    expect(rights.denied).toEqual([]);
  });

  it('sends shop/redact to its own queue, where the shop eraser alone erases the shop', async () => {
    const shop = 'erased-shop.myshopify.com';
    const paid = paidOrder({ id: 46, customerId: 3101, subtotal: '20.00', at: new Date().toISOString() });
    const from = sent.length;
    expect(await receiver(await apiEvent(webhookRequest('orders/paid', paid, { shop })), context)).toMatchObject({ statusCode: 200 });
    expect(await receiver(await apiEvent(webhookRequest('shop/redact', { shop_id: 2, shop_domain: shop }, { shop })), context)).toMatchObject({ statusCode: 200 });
    const [order, redact] = sent.slice(from);
    expect(order!.QueueUrl).toMatch(new RegExp(`/${QUEUE_URL}$`));
    expect(redact!.QueueUrl).toMatch(new RegExp(`/${SHOP_REDACT_QUEUE_URL}$`));
    expect(redact!.MessageAttributes.topic?.StringValue).toBe('shop/redact');
    expect((await as('processor', () => processor({ Records: [sqsRecord(order!, 'order')] }, context))).batchItemFailures).toEqual([]);
    const before = await itemsOf(shop);

    // Each function refuses the other's deliveries, and keeps them (retried, then dead-lettered) rather than dropping them.
    const misroutedToProcessor = await as('processor', () => processor({ Records: [sqsRecord(order!, 'order-again'), sqsRecord(redact!, 'redact-in-processor')] }, context));
    const misroutedToEraser = await as('shopEraser', () => shopEraser({ Records: [sqsRecord(order!, 'order-in-eraser')] }, context));
    const afterMisrouted = await itemsOf(shop);
    const erased = await as('shopEraser', () => shopEraser({ Records: [sqsRecord(redact!, 'redact')] }, context));

    expect(before.length).toBeGreaterThan(0);
    expect(misroutedToProcessor.batchItemFailures).toEqual([{ itemIdentifier: 'redact-in-processor' }]);
    expect(misroutedToEraser.batchItemFailures).toEqual([{ itemIdentifier: 'order-in-eraser' }]);
    expect(afterMisrouted).toEqual(before);
    expect(erased.batchItemFailures).toEqual([]);
    expect(await itemsOf(shop)).toEqual([]);
  });

  it('runs every scheduled job over a year of one shop within the rights the stack gives that job', async () => {
    const aws = await startAwsStandIn();
    vi.stubEnv('EVENT_BUS_NAME', 'loyalty-test');
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', aws.url);
    vi.stubEnv('EXPORT_BUCKET', 'exports-test');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', aws.url);
    /** Invokes the job's entry (`functions/{folder}`) as the stack's function `name`. */
    const run = async (name: JobName, folder: string) => {
      const { handler } = (await import(`../../functions/${folder}/index.ts`)) as { handler: (event: unknown, context: Context) => Promise<Record<string, unknown>> };
      return as(name, () => handler(undefined, jobContext));
    };

    const shop = 'jobs-shop.myshopify.com';
    const start = new Date();
    const day = (days: number) => new Date(start.getTime() + days * 86_400_000);
    const deliver = async (topic: string, body: unknown) => {
      const from = sent.length;
      expect(await receiver(await apiEvent(webhookRequest(topic, body, { shop })), context)).toMatchObject({ statusCode: 200 });
      const batch = await as('processor', () => processor({ Records: sent.slice(from).map((message, i) => sqsRecord(message, `${topic}-${randomUUID()}-${i}`)) }, context));
      expect(batch.batchItemFailures).toEqual([]);
    };
    // Points wait 14 days for returns, so that activation has something to do.
    await table.store.ensureShop({ ...newShop(shop, start, 'USD'), program: parseProgram({ pendingDays: 14 }) });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // Two orders a day apart (Gold, and a usual interval of a day): pending, then spendable.
      vi.setSystemTime(start);
      await deliver('orders/paid', paidOrder({ id: 3201, customerId: 3201, subtotal: '800.00', at: day(-1).toISOString() }));
      await deliver('orders/paid', paidOrder({ id: 3202, customerId: 3201, subtotal: '800.00', at: start.toISOString() }));

      vi.setSystemTime(day(15));
      const activated = await run('Activate', 'activate');
      // A redemption Shopify cannot take yet (the shop has no Admin API token): a pending coupon.
      const redemption = new Request(`http://127.0.0.1/proxy/member/redemptions?${proxyQuery({ shop, customerId: '3201', at: day(15) })}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'jobs-redeem-1' },
        body: JSON.stringify({ rewardId: 'five-off' }),
      });
      const redeemed = (await as('api', async () => api(await apiEvent(redemption), context))) as { statusCode: number };
      await deliver('customers/data_request', { shop_id: 3, shop_domain: shop, customer: { id: 3201 }, orders_requested: [3201, 3202], data_request: { id: 78 } });
      const exported = await run('ExportData', 'export-data');
      // The lapse (twice the usual interval after the last order) has long passed.
      const wonBack = await run('Winback', 'winback');
      vi.setSystemTime(new Date(day(15).getTime() + 60 * 60_000));
      const retried = await run('IssueCoupons', 'issue-coupons');

      // A month before the points expire.
      vi.setSystemTime(day(335));
      const reminded = await run('Remind', 'remind');

      // A year and a day on: the spend has left the window, the points their date.
      vi.setSystemTime(day(366));
      const rerated = await run('Tiers', 'tiers');
      const expired = await run('Expire', 'expire');

      // The other tests' shops are in the same table (uninstalled, or without returns window and
      // repeat orders): the counts below are this shop's, the others only add to expiry and exports.
      expect(activated).toMatchObject({ lotsActivated: 2, more: false });
      expect(redeemed.statusCode).toBe(201);
      expect(exported).toMatchObject({ failed: 0 });
      expect(aws.objects).toContainEqual(expect.stringContaining(`${shop}/3201/`));
      expect(wonBack).toMatchObject({ flagged: 1, queued: 1, sent: 1, failed: 0, more: false });
      expect(retried).toMatchObject({ waiting: 1 });
      // One reminder per expiry day: the two orders' lots expire a day apart.
      expect(reminded).toMatchObject({ queued: 2, sent: 2, failed: 0, more: false });
      expect(aws.events.map((event) => (event as { DetailType: string }).DetailType).sort()).toEqual(['points-expiring', 'points-expiring', 'winback']);
      expect(rerated).toMatchObject({ downgraded: 1, more: false });
      expect(expired).toMatchObject({ more: false });
      expect(await table.store.getMember(shop, '3201')).toMatchObject({ tier: 'Bronze', balance: 0 });
      expect(rights.denied).toEqual([]);
    } finally {
      vi.useRealTimers();
      aws.close();
    }
  });
  it('runs the reconciliation (history import, then missed orders) within the rights the stack gives it', async () => {
    const shop = 'reconcile-shop.myshopify.com';
    const fake = await startFakeShopifyAdmin();
    const orders = addFakeOrders(fake);
    orders.pollsToComplete = 1;
    vi.stubEnv('SHOPIFY_ADMIN_URL', fake.url);
    vi.stubEnv('SHOPIFY_ADMIN_ACCESS_TOKENS', JSON.stringify({ [shop]: fake.token }));
    try {
      await table.store.ensureShop(newShop(shop, new Date(), 'USD'));
      const { handler } = (await import('../../functions/reconcile/index.ts')) as { handler: (event: unknown, context: Context) => Promise<any> };
      // The first run dates the shop's history (nothing in it) and starts and finishes its import.
      const installed = await as('Reconcile', () => handler(undefined, jobContext));
      // An order paid after that, whose webhook never came.
      const at = new Date(Date.now() + 1000).toISOString();
      orders.put(sampleOrder({ id: 3301, customerId: 3301, createdAt: at, subtotal: '42.00' }));
      const reconciled = await as('Reconcile', () => handler(undefined, jobContext));

      expect(installed.history).toMatchObject({ started: expect.any(Number), failed: 0 });
      expect(reconciled.orders).toMatchObject({ applied: 1, failed: 0, rejected: [] });
      expect(await table.store.getMember(shop, '3301')).toMatchObject({ balance: 42 });
      expect(rights.denied).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
