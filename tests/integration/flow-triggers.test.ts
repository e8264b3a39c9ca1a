/**
 * Flow triggers over HTTP: `FlowTriggers` on the Admin GraphQL transport against the loopback fake
 * Admin API, whose Flow part checks every call against the trigger extensions the project declares.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { AdminGraphql } from '../../shared/shopify/admin-graphql-transport.ts';
import { FLOW_TRIGGERS, FlowTriggers } from '../../shared/shopify/flow-triggers.ts';
import type { OutboundEvent } from '../../shared/stream/outbound.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { installFakeShopifyFlow, type FakeShopifyFlow } from '../support/fake-shopify-flow.ts';

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
