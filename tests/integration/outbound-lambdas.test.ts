/**
 * The outbound pipeline's Lambda entries, fed what AWS gives them: the table's own stream records
 * (read from DynamoDB Local, filtered as the event source filters them) to the stream consumer, whose
 * SendMessageBatch a stand-in SQS endpoint catches; those messages as an SQS event to the sender,
 * which writes metafields on the fake Admin API and puts events on a stand-in EventBridge. Each
 * entry's DynamoDB calls are held to the rights the stack gives its function.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OUTBOUND_STREAM_SOURCES } from '../../infra/outbound.ts';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { synthesize } from '../infra/synthesized-stack.ts';
import { TablePolicy, tableRequests } from '../infra/table-policy.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { installFakeShopifyFlow, type FakeShopifyFlow } from '../support/fake-shopify-flow.ts';
import { fakeMetafields, type FakeMetafields } from '../support/fake-shopify-metafields.ts';
import { paidOrder } from '../support/fixtures.ts';
import { SHOP, testService } from '../support/http.ts';

interface Entry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
}

/** SendMessageBatch, ChangeMessageVisibility (SQS) and PutEvents (EventBridge) in their JSON protocols, as far as the SDK checks them. */
function startAwsStandIn(): Promise<{ url: string; messages: Entry[]; events: unknown[]; server: Server }> {
  const messages: Entry[] = [];
  const events: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target']);
      const input = JSON.parse(body || '{}');
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target === 'AmazonSQS.SendMessageBatch') {
        messages.push(...(input.Entries as Entry[]));
        return response.end(JSON.stringify({ Successful: (input.Entries as Entry[]).map(({ Id, MessageBody }) => ({ Id, MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex') })), Failed: [] }));
      }
      if (target === 'AmazonSQS.ChangeMessageVisibility') return response.end('{}');
      if (target === 'AWSEvents.PutEvents') {
        events.push(...input.Entries);
        return response.end(JSON.stringify({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) }));
      }
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'UnknownOperation' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, messages, events, server })));
}

const rights: { acting?: { name: string; policy: TablePolicy }; denied: string[] } = { denied: [] };

describe('the outbound Lambda entries', () => {
  let aws: Awaited<ReturnType<typeof startAwsStandIn>>;
  let fake: FakeShopifyAdmin;
  let metafields: FakeMetafields;
  let flow: FakeShopifyFlow;
  let service: Awaited<ReturnType<typeof testService>>;
  let streamHandler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
  let senderHandler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  let as: <T>(fn: 'streamConsumer' | 'sender', call: () => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    aws = await startAwsStandIn();
    fake = await startFakeShopifyAdmin();
    metafields = fakeMetafields(fake);
    flow = installFakeShopifyFlow(fake);
    service = await testService(new Date().toISOString());
    vi.stubEnv('TABLE_NAME', service.table.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', service.table.endpoint);
    vi.stubEnv('OUTBOUND_QUEUE_URL', `${aws.url}/111111111111/outbound`);
    vi.stubEnv('OUTBOUND_EVENT_BUS_NAME', 'loyalty-outbound-test');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', aws.url);
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', aws.url);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('SHOPIFY_ADMIN_URL', fake.url);
    vi.stubEnv('SHOPIFY_ADMIN_ACCESS_TOKENS', JSON.stringify({ [SHOP]: fake.token }));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    streamHandler = (await import('../../functions/outbound-stream/index.ts')).handler;
    senderHandler = (await import('../../functions/outbound-sender/index.ts')).handler;

    const { template, stack } = synthesize({ context: { stage: 'prod' } });
    const functions: Record<'streamConsumer' | 'sender', LoyaltyFunction> = { streamConsumer: stack.outbound.streamConsumer, sender: stack.outbound.sender };
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
  afterAll(async () => {
    vi.unstubAllEnvs();
    aws?.server.close();
    await fake?.close();
  });

  /** The table's stream from its start, as the event source's filter lets it through. */
  async function streamEvent(): Promise<DynamoDBStreamEvent> {
    const streams = new DynamoDBStreamsClient({ endpoint: service.table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const arn = (await service.table.client.send(new DescribeTableCommand({ TableName: service.table.tableName }))).Table!.LatestStreamArn!;
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      const records: DynamoDBStreamEvent['Records'] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        while (iterator) {
          const answer = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          records.push(...((answer.Records ?? []) as unknown as DynamoDBStreamEvent['Records']));
          if (!answer.Records?.length) break;
          iterator = answer.NextShardIterator;
        }
      }
      const passes = (record: DynamoDBStreamEvent['Records'][number]) =>
        ['INSERT', 'MODIFY'].includes(record.eventName ?? '') && OUTBOUND_STREAM_SOURCES.includes(String((record.dynamodb?.NewImage as Record<string, { S?: string }> | undefined)?.entity?.S));
      return { Records: records.filter(passes) };
    } finally {
      streams.destroy();
    }
  }

  const sqsEvent = (entries: Entry[]): SQSEvent => ({
    Records: entries.map((entry, index) => ({
      messageId: `m${index}`,
      receiptHandle: `r${index}`,
      body: entry.MessageBody,
      attributes: {} as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:outbound',
      awsRegion: 'us-east-1',
    })),
  });

  it('turn an order’s stream records into queued work, then metafields and events, under the stack’s rights, once however often delivered', async () => {
    const response = await service.webhook('orders/paid', paidOrder({ id: 77, customerId: 4242, subtotal: '150.00', at: new Date(Date.now() - 60_000).toISOString() }));
    expect(response.status).toBe(200);

    const streamed = await as('streamConsumer', async () => streamHandler(await streamEvent()));
    expect(streamed.batchItemFailures).toEqual([]);
    const work = aws.messages.map(({ MessageBody }) => JSON.parse(MessageBody));
    expect(work).toContainEqual({ kind: 'member', shop: SHOP, customerId: '4242' });
    expect(work.filter((item) => item.kind === 'event').length).toBeGreaterThan(0);

    const event = sqsEvent(aws.messages.splice(0));
    const sent = await as('sender', () => senderHandler(event));
    expect(sent.batchItemFailures).toEqual([]);
    expect(metafields.valueOf('gid://shopify/Customer/4242', 'points_balance')).toBe(150);
    expect(metafields.valueOf('gid://shopify/Customer/4242', 'tier')).toBe('Bronze');
    expect(aws.events).toContainEqual(expect.objectContaining({ Source: 'loyalty.events', DetailType: 'points_earned', EventBusName: 'loyalty-outbound-test' }));

    // SQS delivers the same messages again: nothing is written or published twice.
    expect(flow.received.length).toBeGreaterThan(0);
    const [writes, published, triggered] = [metafields.writes.length, aws.events.length, flow.received.length];
    const again = await as('sender', () => senderHandler(event));
    expect(again.batchItemFailures).toEqual([]);
    expect([metafields.writes.length, aws.events.length, flow.received.length]).toEqual([writes, published, triggered]);
    expect(rights.denied).toEqual([]);
  });

  it('reports a throttled message as failed, to come back', async () => {
    metafields.next.push('throttle-429');
    const response = await service.webhook('orders/paid', paidOrder({ id: 78, customerId: 4343, subtotal: '20.00', at: new Date(Date.now() - 60_000).toISOString() }));
    expect(response.status).toBe(200);
    const sent = await as('sender', () => senderHandler(sqsEvent([{ Id: '0', MessageBody: JSON.stringify({ kind: 'member', shop: SHOP, customerId: '4343' }) }])));
    expect(sent.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(metafields.valueOf('gid://shopify/Customer/4343', 'points_balance')).toBeUndefined();
    expect(rights.denied).toEqual([]);
  });
});
