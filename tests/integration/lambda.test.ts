/**
 * The Lambda entries, fed the events AWS gives them: an API Gateway v2 request to the webhook
 * receiver, whose SQS message (caught by a stand-in SQS endpoint on loopback) goes to the
 * processor as an SQS event, and the storefront API answering from DynamoDB Local.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshTable } from '../support/database.ts';
import { paidOrder } from '../support/fixtures.ts';
import { proxyQuery, SECRET, API_KEY, SHOP, webhookRequest } from '../support/http.ts';

interface SentMessage {
  MessageBody: string;
  MessageAttributes: Record<string, { DataType: string; StringValue: string }>;
}

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

describe('the Lambda entries', () => {
  let receiver: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let api: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
  let appPage: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

  beforeAll(async () => {
    const table = await freshTable();
    const sqsEndpoint = await startSqsStandIn();
    vi.stubEnv('TABLE_NAME', table.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', table.endpoint);
    vi.stubEnv('QUEUE_URL', `${sqsEndpoint}/111111111111/webhooks`);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqsEndpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('SHOPIFY_API_SECRET', SECRET);
    vi.stubEnv('SHOPIFY_API_KEY', API_KEY);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    receiver = (await import('../../functions/webhook-receiver/index.ts')).handler as typeof receiver;
    processor = (await import('../../functions/webhook-processor/index.ts')).handler;
    api = (await import('../../functions/api/index.ts')).handler as typeof api;
    appPage = (await import('../../functions/app-page/index.ts')).handler as typeof appPage;
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    sqs?.close();
  });

  it('receives a signed webhook, queues it, processes it, and shows the points', async () => {
    const order = paidOrder({ id: 42, customerId: 3001, subtotal: '75.50', at: new Date().toISOString() });
    const received = await receiver(await apiEvent(webhookRequest('orders/paid', order, { webhookId: 'lambda-1' })), context);
    expect(received).toMatchObject({ statusCode: 200 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.MessageAttributes.webhookId?.StringValue).toBe('lambda-1');

    const record = (message: SentMessage, messageId: string) => ({
      messageId,
      receiptHandle: messageId,
      body: message.MessageBody,
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes).map(([name, value]) => [name, { dataType: value.DataType, stringValue: value.StringValue, stringListValues: [], binaryListValues: [] }]),
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:webhooks',
      awsRegion: 'us-east-1',
    });
    // Delivered twice, as SQS may: processed once.
    const batch = await processor({ Records: [record(sent[0]!, 'm1'), record(sent[0]!, 'm2')] }, context);
    expect(batch.batchItemFailures).toEqual([]);

    const url = `http://127.0.0.1/proxy/member?${proxyQuery({ customerId: '3001', at: new Date() })}`;
    const answer = await api(await apiEvent(new Request(url)), context);
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
    const result = await processor({ Records: [make('good', order, SHOP), make('poison', '{', SHOP), make('failing', order, unwritable)] }, context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'failing' }]);
    const url = `http://127.0.0.1/proxy/member?${proxyQuery({ customerId: '3002', at: new Date() })}`;
    expect(JSON.parse(((await api(await apiEvent(new Request(url)), context)) as { body: string }).body)).toMatchObject({ balance: 5 });
  });
});
