/** Outbound events: what one stored change gives, read off the stream as the seam gives it. */
import { describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import type { LedgerEntry, Member } from '../../shared/ledger/types.ts';
import type { Notification } from '../../shared/notify/notification.ts';
import type { Coupon } from '../../shared/rewards/coupon.ts';
import { couponItem, ledgerItem, memberItem, notificationItem, type Item } from '../../shared/store/dynamodb/items.ts';
import { figureSourceOf, notificationChangeOf, type StreamRecord } from '../../shared/store/dynamodb/stream-records.ts';
import { eventsOf, OUTBOUND_SOURCES, type OutboundChange } from '../../shared/stream/events-of.ts';
import { OUTBOUND_EVENT_TYPES } from '../../shared/stream/outbound.ts';

const SHOP = 'events.myshopify.com';
const shop = newShop(SHOP, new Date('2026-01-01T00:00:00Z'));

function member(extra: Partial<Member> = {}): Member {
  return { shop: SHOP, customerId: '1001', enrolledAt: '2026-01-01T00:00:00Z', balance: 0, consumed: 0, pending: 0, lifetimeEarned: 0, spendByOrder: {}, tier: 'Bronze', tierAsOf: '2026-01-01T00:00:00Z', contact: {}, rev: 1, ...extra };
}

function entry(extra: Partial<LedgerEntry> & Pick<LedgerEntry, 'id' | 'type' | 'points' | 'balanceAfter'>): LedgerEntry {
  return { occurredAt: '2026-03-01T10:00:00.000Z', recordedAt: '2026-03-01T10:00:05.000Z', ...extra };
}

function coupon(extra: Partial<Coupon> = {}): Coupon {
  return {
    shop: SHOP,
    code: 'EVT-7KQ2XH9PRA',
    customerId: '1001',
    rewardId: 'five-off',
    reward: { name: '5 off your order', kind: 'fixed_amount', value: 5 },
    currency: 'USD',
    points: 500,
    source: 'redemption',
    createdAt: '2026-03-02T09:00:00.000Z',
    expiresAt: '2026-05-31T09:00:00.000Z',
    status: 'pending',
    attempts: 0,
    ...extra,
  };
}

/** A stream record as Lambda gives it: images in DynamoDB JSON. */
function record(eventName: 'INSERT' | 'MODIFY', after: Item, before?: Item): StreamRecord {
  return { eventName, dynamodb: { SequenceNumber: '100', NewImage: after, ...(before ? { OldImage: before } : {}) } };
}

const ledgerChange = (e: LedgerEntry): OutboundChange => figureSourceOf(record('INSERT', ledgerItem(SHOP, '1001', e)))!;

describe('tier_changed', () => {
  it('is sent when a member moves up a tier, with both tiers and the instant their spend was counted', () => {
    const before = member({ rev: 4 });
    const after = member({ rev: 5, tier: 'Silver', tierAsOf: '2026-03-01T10:00:00.000Z' });
    const events = eventsOf({ kind: 'member', shop: SHOP, before, after }, shop);
    expect(events).toEqual([
      {
        id: `tier_changed:${SHOP}:1001:rev-5`,
        type: 'tier_changed',
        shop: SHOP,
        customerId: '1001',
        occurredAt: '2026-03-01T10:00:00.000Z',
        data: { previousTier: 'Bronze', newTier: 'Silver', direction: 'up' },
      },
    ]);
  });

  it('says down when the tiers job lowers a tier, and nothing when the tier stays', () => {
    const down = eventsOf({ kind: 'member', shop: SHOP, before: member({ tier: 'Gold' }), after: member({ tier: 'Silver', rev: 2 }) }, shop);
    expect(down.map((e) => e.data)).toEqual([{ previousTier: 'Gold', newTier: 'Silver', direction: 'down' }]);
    expect(eventsOf({ kind: 'member', shop: SHOP, before: member(), after: member({ balance: 40, rev: 2 }) }, shop)).toEqual([]);
  });

  it('counts a member stored for the first time as coming from the first tier', () => {
    expect(eventsOf({ kind: 'member', shop: SHOP, after: member() }, shop)).toEqual([]);
    const straightToSilver = eventsOf({ kind: 'member', shop: SHOP, after: member({ tier: 'Silver' }) }, shop);
    expect(straightToSilver.map((e) => e.data)).toEqual([{ previousTier: 'Bronze', newTier: 'Silver', direction: 'up' }]);
  });
});

describe('points_earned', () => {
  it('is sent for an order’s points, with the balance after and the order id, dated by the order', () => {
    const events = eventsOf(ledgerChange(entry({ id: 'earn:5001', type: 'earn', points: 120, balanceAfter: 120, orderId: '5001' })), shop).filter((e) => e.type === 'points_earned');
    expect(events).toEqual([
      {
        id: `points_earned:${SHOP}:1001:earn:5001`,
        type: 'points_earned',
        shop: SHOP,
        customerId: '1001',
        occurredAt: '2026-03-01T10:00:00.000Z',
        data: { points: 120, balance: 120, source: 'order', orderId: '5001', pendingUntil: null },
      },
    ]);
  });

  it('names the signup bonus, adjustments and re-rated orders as their sources', () => {
    const sourceOf = (e: LedgerEntry) => eventsOf(ledgerChange(e), shop).find((x) => x.type === 'points_earned')?.data.source;
    expect(sourceOf(entry({ id: 'bonus:signup', type: 'bonus', points: 100, balanceAfter: 100, reason: 'signup' }))).toBe('signup');
    expect(sourceOf(entry({ id: 'adjust:a1', type: 'adjust', points: 50, balanceAfter: 150, reason: 'goodwill' }))).toBe('adjustment');
    expect(sourceOf(entry({ id: 'rerate:5001', type: 'rerate', points: 30, balanceAfter: 180, orderId: '5001' }))).toBe('rerate');
  });

  it('is not sent for points taken, spent or expired, nor for the points of a refused coupon given back', () => {
    const none = [
      entry({ id: 'reverse:r1', type: 'reverse', points: -20, balanceAfter: 100 }),
      entry({ id: 'redeem:EVT-1', type: 'redeem', points: -500, balanceAfter: 0 }),
      entry({ id: 'expire:lot', type: 'expire', points: -10, balanceAfter: 0 }),
      entry({ id: 'adjust:a2', type: 'adjust', points: -5, balanceAfter: 0 }),
      entry({ id: 'refund:EVT-1', type: 'adjust', points: 500, balanceAfter: 200, reason: 'coupon-refused' }),
    ];
    for (const e of none) expect(eventsOf(ledgerChange(e), shop).filter((x) => x.type === 'points_earned')).toEqual([]);
  });

  it('keeps pending points pending: earned, but no reward becomes available', () => {
    const events = eventsOf(ledgerChange(entry({ id: 'earn:5002', type: 'earn', points: 600, balanceAfter: 0, orderId: '5002', pendingUntil: '2026-03-31T10:00:00.000Z' })), shop);
    expect(events.map((e) => [e.type, e.data.pendingUntil ?? null])).toEqual([['points_earned', '2026-03-31T10:00:00.000Z']]);
  });
});

describe('reward_available', () => {
  it('is sent once for every reward the balance reaches with this entry and did not reach before', () => {
    // 250 → 1050 crosses free shipping (300), 5 off (500) and 10% off (1000).
    const events = eventsOf(ledgerChange(entry({ id: 'earn:5003', type: 'earn', points: 800, balanceAfter: 1050, orderId: '5003' })), shop).filter((e) => e.type === 'reward_available');
    expect(events.map((e) => [e.id, e.data])).toEqual([
      [`reward_available:${SHOP}:1001:earn:5003:five-off`, { rewardId: 'five-off', rewardName: '5 off your order', cost: 500, balance: 1050 }],
      [`reward_available:${SHOP}:1001:earn:5003:ten-percent-off`, { rewardId: 'ten-percent-off', rewardName: '10% off your order', cost: 1000, balance: 1050 }],
      [`reward_available:${SHOP}:1001:earn:5003:free-shipping`, { rewardId: 'free-shipping', rewardName: 'Free shipping', cost: 300, balance: 1050 }],
    ]);
  });

  it('is not sent again for a reward the balance already covered, and counts a balance that lands on the cost', () => {
    const already = eventsOf(ledgerChange(entry({ id: 'earn:5004', type: 'earn', points: 10, balanceAfter: 310 })), shop);
    expect(already.filter((e) => e.type === 'reward_available')).toEqual([]);
    const exactly = eventsOf(ledgerChange(entry({ id: 'earn:5005', type: 'earn', points: 10, balanceAfter: 300 })), shop);
    expect(exactly.filter((e) => e.type === 'reward_available').map((e) => e.data.rewardId)).toEqual(['free-shipping']);
  });

  it('counts points given back after a refused coupon: the reward is within reach again', () => {
    const events = eventsOf(ledgerChange(entry({ id: 'refund:EVT-1', type: 'adjust', points: 500, balanceAfter: 520, reason: 'coupon-refused' })), shop);
    expect(events.map((e) => [e.type, e.data.rewardId])).toEqual([
      ['reward_available', 'five-off'],
      ['reward_available', 'free-shipping'],
    ]);
  });
});

describe('reward_redeemed', () => {
  it('is sent when a redeemed coupon first becomes issued in Shopify, with its code, dated by the redemption', () => {
    const events = eventsOf({ kind: 'coupon', shop: SHOP, before: coupon(), after: coupon({ status: 'issued', attempts: 1 }) }, shop);
    expect(events).toEqual([
      {
        id: `reward_redeemed:${SHOP}:1001:EVT-7KQ2XH9PRA`,
        type: 'reward_redeemed',
        shop: SHOP,
        customerId: '1001',
        occurredAt: '2026-03-02T09:00:00.000Z',
        data: { rewardId: 'five-off', rewardName: '5 off your order', rewardKind: 'fixed_amount', points: 500, code: 'EVT-7KQ2XH9PRA', expiresAt: '2026-05-31T09:00:00.000Z' },
      },
    ]);
  });

  it('is sent once: not while pending, not when an issued coupon is used, never for one refused for good or a tier reward', () => {
    expect(eventsOf({ kind: 'coupon', shop: SHOP, after: coupon() }, shop)).toEqual([]);
    expect(eventsOf({ kind: 'coupon', shop: SHOP, before: coupon({ status: 'issued' }), after: coupon({ status: 'used' }) }, shop)).toEqual([]);
    expect(eventsOf({ kind: 'coupon', shop: SHOP, before: coupon(), after: coupon({ status: 'failed' }) }, shop)).toEqual([]);
    expect(eventsOf({ kind: 'coupon', shop: SHOP, before: coupon({ source: 'tier', points: 0 }), after: coupon({ source: 'tier', points: 0, status: 'issued' }) }, shop)).toEqual([]);
  });

  it('gives a store credit no code', () => {
    const credit = { code: 'credit-abc', reward: { name: '10 store credit', kind: 'store_credit' as const, value: 10 } };
    const events = eventsOf({ kind: 'coupon', shop: SHOP, after: coupon({ ...credit, status: 'issued' }) }, shop);
    expect(events.map((e) => [e.data.rewardKind, e.data.code])).toEqual([['store_credit', null]]);
  });
});

describe('points_expiring', () => {
  const reminder: Notification = {
    id: 'points-expiring:1001:2026-04-01:30',
    kind: 'points-expiring',
    shop: SHOP,
    customerId: '1001',
    email: 'ada@example.com',
    createdAt: '2026-03-02T06:00:00.000Z',
    data: { balance: 640, points: 120, expiresOn: '2026-04-01', daysBefore: 30, rewards: [] },
  };

  it('is sent when a reminder is recorded in the outbox, with the points and the day, and no contact data', () => {
    const change = notificationChangeOf(record('INSERT', notificationItem({ notification: reminder, status: 'pending', attempts: 0, dueAt: reminder.createdAt })))!;
    expect(eventsOf(change, shop)).toEqual([
      {
        id: `points_expiring:${SHOP}:1001:points-expiring:1001:2026-04-01:30`,
        type: 'points_expiring',
        shop: SHOP,
        customerId: '1001',
        occurredAt: '2026-03-02T06:00:00.000Z',
        data: { points: 120, expiresOn: '2026-04-01', daysBefore: 30, balance: 640 },
      },
    ]);
  });

  it('is not sent again when the message is claimed or marked sent, nor for other messages', () => {
    const pending = notificationItem({ notification: reminder, status: 'pending', attempts: 0, dueAt: reminder.createdAt });
    const sent = notificationItem({ notification: reminder, status: 'sent', attempts: 1, dueAt: reminder.createdAt, sentAt: '2026-03-02T06:01:00.000Z' });
    expect(eventsOf(notificationChangeOf(record('MODIFY', sent, pending))!, shop)).toEqual([]);
    const winback = { ...reminder, id: 'winback:1001', kind: 'winback' as const };
    expect(eventsOf(notificationChangeOf(record('INSERT', notificationItem({ notification: winback, status: 'pending', attempts: 0, dueAt: reminder.createdAt })))!, shop)).toEqual([]);
  });
});

describe('the stream seam', () => {
  it('gives the same events with the same ids for a record read twice', () => {
    const raw = record('MODIFY', memberItem(member({ tier: 'Gold', tierAsOf: '2026-03-05T00:00:00.000Z' }), 7), memberItem(member({ tier: 'Silver' }), 6));
    const once = eventsOf(figureSourceOf(raw)!, shop);
    const twice = eventsOf(figureSourceOf(structuredClone(raw))!, shop);
    expect(once).toHaveLength(1);
    expect(twice).toEqual(once);
    expect(once[0]!.id).toBe(`tier_changed:${SHOP}:1001:rev-7`);
  });

  it('reads coupons off the stream, and a removal or a shop record gives nothing', () => {
    const raw = record('MODIFY', couponItem(coupon({ status: 'issued' })), couponItem(coupon()));
    expect(eventsOf(figureSourceOf(raw)!, shop).map((e) => e.type)).toEqual(['reward_redeemed']);
    expect(figureSourceOf({ eventName: 'REMOVE', dynamodb: { OldImage: raw.dynamodb!.NewImage } })).toBeUndefined();
    expect(eventsOf({ kind: 'shop', shop: SHOP }, shop)).toEqual([]);
  });

  it('names the entities its events come from, for the stream filter', () => {
    expect([...OUTBOUND_SOURCES.entities].sort()).toEqual(['coupon', 'ledger', 'member', 'notification']);
    expect(OUTBOUND_EVENT_TYPES).toHaveLength(6);
  });
});
