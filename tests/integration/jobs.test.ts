import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { activatePendingPoints } from '../../shared/jobs/activate.ts';
import { dueIndexKeys, lotKey } from '../../shared/store/dynamodb/keys.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { expireLots } from '../../shared/jobs/expire.ts';
import { sendReminders } from '../../shared/jobs/remind.ts';
import type { Notification, Notifier } from '../../shared/notify/notification.ts';
import { parseProgram } from '../../shared/program/program.ts';
import type { LoyaltyStore } from '../../shared/store/ports.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { json, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;
let service: Service;
let nextShop = 1;
let nextOrder = 1;

/** A reward cheap enough for a test's few orders. */
const treat = { id: 'treat', name: 'A treat', kind: 'fixed_amount', cost: 150, value: 1 };

beforeAll(async () => {
  service = await testService('2025-04-01T12:00:00Z');
});

/** A shop of its own per test, with its own program, known before its first webhook. */
async function shopWith(program: Record<string, unknown> = {}, extra: { active?: boolean } = {}) {
  const shop = `jobs-${nextShop++}.myshopify.com`;
  await service.store.ensureShop({ ...newShop(shop, new Date('2025-01-01T00:00:00Z'), 'USD'), program: parseProgram({ rewards: [treat], ...program }), ...extra });
  return shop;
}

async function order(shop: string, customerId: number, subtotal: string, at: string, email: string | null = 'ann@example.com') {
  const body = paidOrder({ id: nextOrder++, customerId, subtotal, at });
  body.customer.email = email;
  const response = await service.webhook('orders/paid', body, { shop });
  expect(response.status).toBe(200);
  return body.id as number;
}

const member = async (shop: string, customerId: number) => (await service.store.getMember(shop, String(customerId)))!;
const messagesTo = (shop: string, customerId: number) => service.outbox.notifications().filter((m) => m.shop === shop && m.customerId === String(customerId));

/** The store, with its commits failing from the `n`th on: a run killed part way. */
function killedAfter(store: LoyaltyStore, n: number): LoyaltyStore {
  let commits = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'commit') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<LoyaltyStore['commit']>) => {
        if (++commits >= n) throw new Error('killed');
        return target.commit(...args);
      };
    },
  });
}

describe('the expire job', () => {
  it('expires what redemptions left of the oldest lots, once', async () => {
    const shop = await shopWith();
    await order(shop, 11, '100.00', '2025-01-10T00:00:00Z');
    await order(shop, 11, '100.00', '2025-03-10T00:00:00Z');
    service.setNow('2025-04-01T12:00:00Z');
    expect((await service.redeem('11', 'treat', {}, shop)).status).toBe(201);

    // The first lot was spent whole (150 taken oldest first): nothing of it is left to expire.
    expect(await service.job('expire', '2026-01-11T00:00:00Z')).toMatchObject({ lotsSettled: 1, pointsExpired: 0 });
    expect(await member(shop, 11)).toMatchObject({ balance: 50 });
    expect(await service.job('expire', '2026-03-11T00:00:00Z')).toMatchObject({ lotsSettled: 1, pointsExpired: 50 });
    expect(await member(shop, 11)).toMatchObject({ balance: 0, consumed: 0 });
    expect(await service.job('expire', '2026-03-12T00:00:00Z')).toMatchObject({ lotsDue: 0, pointsExpired: 0 });
    const activity = await json(await service.proxy('/member/activity', { customerId: '11', shop }));
    expect(activity.entries[0]).toMatchObject({ type: 'expire', points: -50, occurredAt: '2026-03-10T00:00:00.000Z', balanceAfter: 0 });
  });

  it('expires nothing twice when runs overlap', async () => {
    const shop = await shopWith();
    for (const customer of [21, 22, 23]) await order(shop, customer, '40.00', '2025-02-01T00:00:00Z');
    const runs = await Promise.all([1, 2, 3].map(() => service.job('expire', '2026-02-02T00:00:00Z')));
    expect(runs.reduce((sum, run) => sum + run.pointsExpired, 0)).toBe(120);
    for (const customer of [21, 22, 23]) expect((await member(shop, customer)).balance).toBe(0);
  });

  it('finishes a run killed in the middle when run again, expiring each lot once', async () => {
    const shop = await shopWith();
    for (const customer of [31, 32, 33]) await order(shop, customer, '25.00', '2025-02-05T00:00:00Z');
    await expect(expireLots(killedAfter(service.store, 2), new Date('2026-02-06T00:00:00Z'))).rejects.toThrow('killed');
    const expiredBefore = await Promise.all([31, 32, 33].map(async (c) => (await member(shop, c)).balance));
    expect(expiredBefore.filter((balance) => balance === 0)).toHaveLength(1);
    await service.job('expire', '2026-02-06T00:00:00Z');
    for (const customer of [31, 32, 33]) expect((await member(shop, customer)).balance).toBe(0);
    const activity = await json(await service.proxy('/member/activity', { customerId: '31', shop }));
    expect(activity.entries.filter((e: any) => e.type === 'expire')).toHaveLength(1);
  });

  it('does not make a refund of expired points cost the member again', async () => {
    const shop = await shopWith();
    const id = await order(shop, 41, '80.00', '2025-01-20T00:00:00Z');
    await order(shop, 41, '30.00', '2025-12-01T00:00:00Z');
    await service.job('expire', '2026-01-21T00:00:00Z');
    expect((await member(shop, 41)).balance).toBe(30);
    await service.webhook('refunds/create', refund({ id: 4100, orderId: id, subtotal: '80.00', at: '2026-01-25T00:00:00Z' }), { shop });
    expect((await member(shop, 41)).balance).toBe(30);
  });
});

describe('the remind job', () => {
  it('sends one message per member, expiry day and offset, across repeated and overlapping runs', async () => {
    const shop = await shopWith();
    await order(shop, 51, '200.00', '2025-06-15T10:00:00Z');
    await order(shop, 51, '30.00', '2025-06-15T18:00:00Z');
    // 30 days before 2026-06-15:
    const first = await Promise.all([1, 2].map(() => service.job('remind', '2026-05-16T09:00:00Z')));
    expect(first.reduce((sum, run) => sum + run.queued, 0)).toBe(1);
    expect(await service.job('remind', '2026-05-17T09:00:00Z')).toMatchObject({ queued: 0 });
    const [message] = messagesTo(shop, 51);
    expect(message).toMatchObject({
      id: 'points-expiring:51:2026-06-15:30',
      kind: 'points-expiring',
      email: 'ann@example.com',
      data: { balance: 230, points: 230, expiresOn: '2026-06-15', daysBefore: 30, rewards: [{ id: 'treat', cost: 150 }] },
    });
    // 7 days before:
    await service.job('remind', '2026-06-08T09:00:00Z');
    expect(messagesTo(shop, 51).map((m) => (m.data as { daysBefore: number }).daysBefore)).toEqual([7, 30]);
  });

  it('reminds of the points still unspent, and of none when all were spent', async () => {
    const shop = await shopWith();
    await order(shop, 61, '100.00', '2025-07-01T00:00:00Z');
    await order(shop, 61, '100.00', '2025-08-01T00:00:00Z');
    service.setNow('2025-09-01T00:00:00Z');
    expect((await service.redeem('61', 'treat', {}, shop)).status).toBe(201);
    await service.job('remind', '2026-06-02T00:00:00Z'); // 30 days before the first lot expires
    expect(messagesTo(shop, 61)).toHaveLength(0);
    await service.job('remind', '2026-07-03T00:00:00Z'); // 30 days before the second
    expect(messagesTo(shop, 61)[0]?.data).toMatchObject({ points: 50, balance: 50 });
  });

  it('sends nothing to a customer who unsubscribed, or to an uninstalled shop’s customers', async () => {
    const shop = await shopWith();
    await order(shop, 71, '100.00', '2025-08-10T00:00:00Z');
    await service.webhook('customers/update', { id: 71, email: 'ann@example.com', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-09-01T00:00:00Z', email_marketing_consent: { state: 'unsubscribed' } }, { shop });
    const inactive = await shopWith({}, { active: false });
    await order(inactive, 72, '100.00', '2025-08-10T00:00:00Z');
    await service.job('remind', '2026-07-11T00:00:00Z');
    expect(messagesTo(shop, 71)).toHaveLength(0);
    expect(messagesTo(inactive, 72)).toHaveLength(0);
  });

  it('retries a message an outlet could not take, and sends it once', async () => {
    const shop = await shopWith();
    await order(shop, 81, '100.00', '2025-09-20T00:00:00Z');
    const sent: Notification[] = [];
    let failures = 1;
    const flaky: Notifier = {
      send: async (notification) => {
        if (failures-- > 0) throw new Error('SES is down');
        sent.push(notification);
      },
    };
    const deps = { store: service.store, notifier: flaky };
    expect(await sendReminders(deps.store, flaky, new Date('2026-08-21T00:00:00Z'))).toMatchObject({ queued: 1, sent: 0, failed: 1 });
    expect(await sendReminders(deps.store, flaky, new Date('2026-08-21T00:00:30Z'))).toMatchObject({ queued: 0, sent: 0 });
    expect(await sendReminders(deps.store, flaky, new Date('2026-08-21T00:05:00Z'))).toMatchObject({ queued: 0, sent: 1 });
    expect(sent.map((n) => n.customerId)).toEqual(['81']);
  });
});

describe('pending points', () => {
  it('keep points pending through the return window; a refund inside it takes pending points', async () => {
    const shop = await shopWith({ pendingDays: 14 });
    service.setNow('2025-05-01T00:00:00Z');
    const id = await order(shop, 91, '100.00', '2025-05-01T00:00:00Z');
    expect(await member(shop, 91)).toMatchObject({ balance: 0, pending: 100 });
    service.setNow('2025-05-06T00:00:00Z');
    await service.webhook('refunds/create', refund({ id: 9100, orderId: id, subtotal: '40.00', at: '2025-05-05T00:00:00Z' }), { shop });
    expect(await member(shop, 91)).toMatchObject({ balance: 0, pending: 60 });
    expect((await service.redeem('91', 'treat', {}, shop)).status).toBe(409);
    expect(await service.job('activate', '2025-05-14T00:00:00Z')).toMatchObject({ lotsActivated: 0 });
    expect(await service.job('activate', '2025-05-15T00:00:01Z')).toMatchObject({ lotsActivated: 1, pointsActivated: 60 });
    expect(await member(shop, 91)).toMatchObject({ balance: 60, pending: 0 });
    expect(await service.job('activate', '2025-05-16T00:00:00Z')).toMatchObject({ lotsDue: 0 });
  });
});

describe('the winback job', () => {
  it('flags a member past twice their usual interval once, with one message, until they order again', async () => {
    const shop = await shopWith();
    for (const day of ['01', '11', '21']) await order(shop, 101, '20.00', `2025-10-${day}T00:00:00Z`);
    expect(await member(shop, 101)).toMatchObject({ orderCount: 3, lapseAt: '2025-11-10T00:00:00.000Z' });
    await service.job('winback', '2025-11-09T00:00:00Z');
    expect((await member(shop, 101)).fading).toBeUndefined();
    await service.job('winback', '2025-11-11T00:00:00Z');
    await service.job('winback', '2025-11-12T00:00:00Z');
    expect(await member(shop, 101)).toMatchObject({ fading: { flaggedAt: '2025-11-11T00:00:00.000Z', lastOrderAt: '2025-10-21T00:00:00.000Z' } });
    expect(messagesTo(shop, 101)).toMatchObject([{ kind: 'winback', data: { usualIntervalDays: 10, daysSinceLastOrder: 21, balance: 60 } }]);

    // A new order starts a new lapse: flagged again once it too passes.
    await order(shop, 101, '20.00', '2025-11-20T00:00:00Z');
    await service.job('winback', '2025-12-01T00:00:00Z');
    expect(messagesTo(shop, 101)).toHaveLength(1);
    await service.job('winback', '2026-01-20T00:00:00Z');
    expect(messagesTo(shop, 101)).toHaveLength(2);
    expect((await member(shop, 101)).fading?.lastOrderAt).toBe('2025-11-20T00:00:00.000Z');
    // The outbox shows the newest message first.
    const outbox = await json(await service.app.request('/dev/outbox'));
    expect(outbox.messages[0]).toMatchObject({ shop, customerId: '101', kind: 'winback', id: 'winback:101:2025-11-20T00:00:00.000Z' });
  });
});

describe('the local job routes', () => {
  it('answer 404 for an unknown job', async () => {
    const unknown = await service.app.request('/dev/jobs/nope', { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});

describe('zero-point pending lots', () => {
  const pendingOf = async (shop: string) => (await service.store.dueLots('PENDING', '2100-01-01T00:00:00.000Z', 10_000)).filter((lot) => lot.shop === shop);

  it('leave the pending index when an order is cancelled inside its return window', async () => {
    const shop = await shopWith({ pendingDays: 14 });
    service.setNow('2025-06-01T00:00:00Z');
    const id = await order(shop, 111, '100.00', '2025-06-01T00:00:00Z');
    expect(await pendingOf(shop)).toHaveLength(1);
    const cancelled = { ...paidOrder({ id, customerId: 111, subtotal: '100.00', at: '2025-06-01T00:00:00Z' }), cancelled_at: '2025-06-02T00:00:00Z' };
    expect((await service.webhook('orders/cancelled', cancelled, { shop })).status).toBe(200);
    expect(await member(shop, 111)).toMatchObject({ balance: 0, pending: 0 });
    expect(await pendingOf(shop)).toEqual([]);
  });

  it('never stall activation: many of them ahead of a real one in the index still let it activate', async () => {
    const shop = await shopWith({ pendingDays: 14 });
    service.setNow('2025-07-01T00:00:00Z');
    // Twelve orders fully cancelled in their window, as stored before the fix: still in the pending index.
    for (let customer = 121; customer <= 132; customer++) {
      const id = await order(shop, customer, '50.00', '2025-07-01T00:00:00Z');
      const cancelled = { ...paidOrder({ id, customerId: customer, subtotal: '50.00', at: '2025-07-01T00:00:00Z' }), cancelled_at: '2025-07-02T00:00:00Z' };
      expect((await service.webhook('orders/cancelled', cancelled, { shop })).status).toBe(200);
      const key = lotKey(shop, String(customer), `order:${id}`);
      await service.table.client.send(
        new UpdateItemCommand({
          TableName: service.table.tableName,
          Key: marshall(key),
          UpdateExpression: 'SET GSI1PK = :pk, GSI1SK = :sk',
          ConditionExpression: 'points = :zero',
          ExpressionAttributeValues: marshall({ ':zero': 0, ...Object.fromEntries(Object.entries(dueIndexKeys('PENDING', key.PK, key.SK, '2025-07-15T00:00:00.000Z')).map(([k, v]) => [k === 'GSI1PK' ? ':pk' : ':sk', v])) }),
        }),
      );
    }
    await order(shop, 133, '80.00', '2025-07-01T06:00:00Z');
    expect(await pendingOf(shop)).toHaveLength(13);

    const run = await activatePendingPoints(service.store, new Date('2025-07-16T00:00:00Z'), { pageSize: 16, shopQueueCap: 4, concurrency: 2 });

    expect(run).toMatchObject({ lotsActivated: 1, pointsActivated: 80 });
    expect(await member(shop, 133)).toMatchObject({ balance: 80, pending: 0 });
    expect(await pendingOf(shop)).toEqual([]);
    for (let customer = 121; customer <= 132; customer++) expect(await member(shop, customer)).toMatchObject({ balance: 0, pending: 0 });
  });
});

describe('email marketing consent', () => {
  /** A member whose consent state is `state` (none at all when undefined), with points and orders. */
  async function memberWithConsent(shop: string, customerId: number, state: string | undefined, orders: string[]) {
    for (const at of orders) {
      const body = paidOrder({ id: nextOrder++, customerId, subtotal: '100.00', at });
      if (state === undefined) delete body.customer.email_marketing_consent;
      else body.customer.email_marketing_consent = { state };
      expect((await service.webhook('orders/paid', body, { shop })).status).toBe(200);
    }
    expect((await member(shop, customerId)).contact).toMatchObject(state === undefined ? { email: 'ann@example.com' } : { email: 'ann@example.com', emailMarketing: state });
  }
  const refused = [undefined, 'not_subscribed', 'pending', 'unsubscribed', 'redacted', 'invalid'];

  it('lets expiry reminders go only to customers who subscribed', async () => {
    const shop = await shopWith();
    await memberWithConsent(shop, 140, 'subscribed', ['2025-09-10T00:00:00Z']);
    for (const [i, state] of refused.entries()) await memberWithConsent(shop, 141 + i, state, ['2025-09-10T00:00:00Z']);
    await service.job('remind', '2026-08-11T09:00:00Z'); // 30 days before 2026-09-10
    expect(messagesTo(shop, 140)).toMatchObject([{ kind: 'points-expiring' }]);
    for (const [i] of refused.entries()) expect(messagesTo(shop, 141 + i), String(refused[i])).toEqual([]);
  });

  it('lets win-back messages go only to customers who subscribed', async () => {
    const shop = await shopWith();
    const orders = ['2025-10-01T00:00:00Z', '2025-10-11T00:00:00Z'];
    await memberWithConsent(shop, 150, 'subscribed', orders);
    for (const [i, state] of refused.entries()) await memberWithConsent(shop, 151 + i, state, orders);
    await service.job('winback', '2025-11-05T00:00:00Z');
    expect(messagesTo(shop, 150)).toMatchObject([{ kind: 'winback' }]);
    for (const [i] of refused.entries()) {
      expect(messagesTo(shop, 151 + i), String(refused[i])).toEqual([]);
      expect((await member(shop, 151 + i)).fading, String(refused[i])).toBeDefined(); // flagged all the same
    }
  });
});
