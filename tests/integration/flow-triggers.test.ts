/**
 * Flow triggers over HTTP: `FlowTriggers` on the Admin GraphQL transport against the loopback fake
 * Admin API, whose Flow part checks every call against the trigger extensions the project declares.
 */
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { AdminGraphql } from '../../shared/shopify/admin-graphql-transport.ts';
import { ShopifyAdminClient } from '../../shared/shopify/admin-graphql.ts';
import { FLOW_TRIGGERS, FlowTriggers } from '../../shared/shopify/flow-triggers.ts';
import { figureSourceOf, notificationChangeOf, type StreamRecord } from '../../shared/store/dynamodb/stream-records.ts';
import { eventsOf } from '../../shared/stream/events-of.ts';
import type { OutboundEvent } from '../../shared/stream/outbound.ts';
import { paidOrder } from '../support/fixtures.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { installFakeShopifyFlow, type FakeShopifyFlow } from '../support/fake-shopify-flow.ts';
import { json, SHOP as SERVICE_SHOP, testService } from '../support/http.ts';
import { sampleCustomer } from '../support/shopify-samples.ts';

const SHOP = newShop('flow-shop.myshopify.com', new Date('2026-06-01T00:00:00Z'));

const earned: OutboundEvent = {
  id: 'points_earned:flow-shop.myshopify.com:6017:earn:5001',
  type: 'points_earned',
  shop: SHOP.shop,
  customerId: '6017',
  occurredAt: '2026-06-01T10:00:00.000Z',
  data: { points: 120, balance: 220, source: 'order', orderId: '5001', pendingUntil: null },
};

describe('Flow triggers', () => {
  let admin: FakeShopifyAdmin;
  let flow: FakeShopifyFlow;
  let triggers: FlowTriggers;
  beforeAll(async () => {
    admin = await startFakeShopifyAdmin();
    flow = installFakeShopifyFlow(admin);
    triggers = new FlowTriggers(new AdminGraphql({ accessToken: () => admin.token, endpoint: () => admin.url, sleep: async () => {} }));
  });
  afterAll(() => admin.close());
  beforeEach(() => {
    flow.received.length = 0;
    flow.next.length = 0;
    admin.calls.length = 0;
  });

  it('starts the event’s trigger by its handle, the payload keyed by the trigger’s fields', async () => {
    const outcome = await triggers.send(SHOP, earned);
    expect(outcome.kind).toBe('ok');
    expect(flow.received).toEqual([
      { handle: 'loyalty-points-earned', payload: { customer_id: 6017, Points: 120, Balance: 220, Source: 'order', 'Order ID': '5001', 'Pending until': '' } },
    ]);
    expect(admin.calls[0]!.token).toBe(admin.token);
  });

  it('sends each of the five events to its own trigger, each accepted as declared', async () => {
    const events: OutboundEvent[] = [
      { ...earned, id: 't', type: 'tier_changed', data: { previousTier: 'Bronze', newTier: 'Silver', direction: 'up' } },
      { ...earned, id: 'r', type: 'reward_redeemed', data: { rewardId: 'store-credit', rewardName: '10 credit', rewardKind: 'store_credit', points: 800, code: null, expiresAt: null } },
      { ...earned, id: 'x', type: 'points_expiring', data: { points: 40, expiresOn: '2026-07-01', daysBefore: 7, balance: 300 } },
      { ...earned, id: 'a', type: 'reward_available', data: { rewardId: 'five-off', rewardName: '5 off', cost: 500, balance: 510 } },
    ];
    for (const event of events) expect((await triggers.send(SHOP, event)).kind, event.type).toBe('ok');
    expect(flow.received.map((r) => r.handle)).toEqual(events.map((e) => FLOW_TRIGGERS[e.type].handle));
    expect(flow.received[1]!.payload).toMatchObject({ Code: '', 'Expires at': '', 'Points spent': 800 });
  });

  it('hands back a throttled call as a retry, and Flow’s user errors as refused for good', async () => {
    flow.next.push('throttle');
    const throttled = await triggers.send(SHOP, earned);
    expect(throttled).toMatchObject({ kind: 'retry', reason: expect.stringContaining('throttled') });
    flow.next.push('user-error');
    const refused = await triggers.send(SHOP, earned);
    expect(refused).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('Flow is not available') });
    expect(flow.received).toEqual([]);
  });

  it('is refused by Flow for a handle no extension declares (the fake checks what it is sent)', async () => {
    const drifted = new FlowTriggers(new AdminGraphql({ accessToken: () => admin.token, endpoint: () => admin.url }));
    const original = FLOW_TRIGGERS.points_earned.handle;
    (FLOW_TRIGGERS.points_earned as { handle: string }).handle = 'loyalty-points-gained';
    try {
      expect(await drifted.send(SHOP, earned)).toMatchObject({ kind: 'rejected', reason: expect.stringContaining('Invalid handle') });
    } finally {
      (FLOW_TRIGGERS.points_earned as { handle: string }).handle = original;
    }
  });

  it('waits for a shop without an access token instead of calling', async () => {
    const noToken = new FlowTriggers(new AdminGraphql({ accessToken: () => undefined, endpoint: () => admin.url }));
    expect((await noToken.send(SHOP, earned)).kind).toBe('retry');
    expect(admin.calls).toEqual([]);
  });
});

/** Every record of the table's change stream so far, in order per shard (DynamoDB Local keeps one like DynamoDB's). */
async function streamRecords(table: { client: import('@aws-sdk/client-dynamodb').DynamoDBClient; endpoint: string; tableName: string }): Promise<StreamRecord[]> {
  const streams = new DynamoDBStreamsClient({ endpoint: table.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const arn = (await table.client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table!.LatestStreamArn!;
    const records: StreamRecord[] = [];
    for (const shard of (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? []) {
      let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        records.push(...((page.Records ?? []) as StreamRecord[]));
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  } finally {
    streams.destroy();
  }
}

describe('from the service’s own writes to Flow', () => {
  it('reads a member’s year off the change stream as its events, each accepted by its trigger, the same ids read twice', async () => {
    const admin = await startFakeShopifyAdmin();
    try {
      const flow = installFakeShopifyFlow(admin);
      const service = await testService('2026-05-01T12:00:00Z', { discounts: new ShopifyAdminClient({ accessToken: () => admin.token, endpoint: () => admin.url }) });
      const customer = sampleCustomer({ id: 8001, email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', createdAt: '2026-05-01T00:00:00Z', consent: 'subscribed' });
      expect((await service.webhook('customers/create', customer)).status).toBe(200);
      expect((await service.webhook('orders/paid', paidOrder({ id: 9001, customerId: 8001, subtotal: '600.00', at: '2026-05-01T10:00:00Z' }))).status).toBe(200);
      const redeemed = await service.redeem('8001', 'five-off');
      expect(redeemed.status).toBe(201);
      const { code } = await json(redeemed);
      // 30 days before the lots of 2026-05-01 expire.
      expect((await service.job('remind', '2027-04-01T06:00:00Z')).queued).toBe(1);

      const shop = (await service.store.getShop(SERVICE_SHOP))!;
      const read = async () => (await streamRecords(service.table)).flatMap((record) => {
        const change = notificationChangeOf(record) ?? figureSourceOf(record);
        return change ? eventsOf(change, shop) : [];
      });
      const events = await read();
      const summary = events.map((e) => [e.type, e.occurredAt, e.data]);
      expect(summary).toEqual(
        expect.arrayContaining([
          ['points_earned', '2026-05-01T00:00:00.000Z', { points: 100, balance: 100, source: 'signup', orderId: null, pendingUntil: null }],
          ['tier_changed', '2026-05-01T10:00:00.000Z', { previousTier: 'Bronze', newTier: 'Silver', direction: 'up' }],
          ['points_earned', '2026-05-01T10:00:00.000Z', { points: 600, balance: 700, source: 'order', orderId: '9001', pendingUntil: null }],
          ['reward_available', '2026-05-01T10:00:00.000Z', { rewardId: 'five-off', rewardName: '5 off your order', cost: 500, balance: 700 }],
          ['reward_available', '2026-05-01T10:00:00.000Z', { rewardId: 'free-shipping', rewardName: 'Free shipping', cost: 300, balance: 700 }],
          ['reward_redeemed', '2026-05-01T12:00:00.000Z', expect.objectContaining({ rewardId: 'five-off', points: 500, code })],
          ['points_expiring', '2027-04-01T06:00:00.000Z', { points: 200, expiresOn: '2027-05-01', daysBefore: 30, balance: 200 }],
        ]),
      );
      expect(events).toHaveLength(7);
      expect(events.every((e) => e.customerId === '8001' && e.shop === SERVICE_SHOP)).toBe(true);

      const triggers = new FlowTriggers(new AdminGraphql({ accessToken: () => admin.token, endpoint: () => admin.url }));
      for (const event of events) expect((await triggers.send(shop, event)).kind, event.type).toBe('ok');
      expect(flow.received).toHaveLength(7);

      expect((await read()).map((e) => e.id)).toEqual(events.map((e) => e.id));
    } finally {
      await admin.close();
    }
  }, 120_000);
});
