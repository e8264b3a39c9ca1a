import { beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { expireLots } from '../../shared/jobs/expire.ts';
import { sendReminders } from '../../shared/jobs/remind.ts';
import type { Notification, Notifier } from '../../shared/notify/notification.ts';
import { parseProgram } from '../../shared/program/program.ts';
import type { LoyaltyStore } from '../../shared/store/ports.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, testService } from '../support/http.ts';

let service: Awaited<ReturnType<typeof testService>>;
let nextShop = 1;
let nextOrder = 1;

// A table of this file's own: a job walks every shop's due items, and these tests count what it did.
beforeAll(async () => {
  service = await testService('2030-01-01T00:00:00Z');
});

async function aShop() {
  const shop = `drain-${nextShop++}.myshopify.com`;
  await service.store.ensureShop({ ...newShop(shop, new Date('2029-01-01T00:00:00Z'), 'USD'), program: parseProgram({}) });
  return shop;
}

/** One order of 10.00 (10 points) for each customer, all at `at`, a few at a time. */
async function ordersAt(shop: string, customers: number[], at: string) {
  for (let i = 0; i < customers.length; i += 8) {
    await Promise.all(
      customers.slice(i, i + 8).map(async (customerId) => {
        const response = await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId, subtotal: '10.00', at }), { shop });
        expect(response.status).toBe(200);
      }),
    );
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const balances = (shop: string, customers: number[]) => Promise.all(customers.map(async (c) => (await service.store.getMember(shop, String(c)))!.balance));

/** The store, counting the calls of `method` made through it. */
function counting(method: keyof LoyaltyStore): { store: LoyaltyStore; calls: () => number } {
  let calls = 0;
  const store = new Proxy(service.store as LoyaltyStore, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (property === method) calls++;
        return value.apply(target, args);
      };
    },
  });
  return { store, calls: () => calls };
}

/** Small pages and queues, so that a few dozen lots make a backlog of many pages. */
const small = { pageSize: 16, shopQueueCap: 4, readAhead: 8, concurrency: 2 };

// Each test sends orders and runs jobs over many pages: 5–7 s alone, several times that on a loaded 2-core machine.
describe('draining jobs', { timeout: 120_000 }, () => {
  it('expire a backlog of many pages for one shop and a few lots of another, all in one run', async () => {
    const big = await aShop();
    const little = await aShop();
    await ordersAt(big, range(1000, 40), '2030-02-01T00:00:00Z');
    await ordersAt(little, range(2000, 3), '2030-02-01T06:00:00Z');

    const run = await expireLots(service.store, new Date('2031-02-02T00:00:00Z'), small);

    expect(run).toMatchObject({ lotsDue: 43, members: 43, lotsSettled: 43, pointsExpired: 430, more: false });
    expect(await balances(big, range(1000, 40))).toEqual(Array(40).fill(0));
    expect(await balances(little, range(2000, 3))).toEqual([0, 0, 0]);
  });

  it('do a small shop’s lots early, though a big shop’s backlog is due before them, and a run stopped by its budget is finished by the next, once', async () => {
    const big = await aShop();
    const little = await aShop();
    await ordersAt(big, range(3000, 40), '2030-03-01T00:00:00Z');
    await ordersAt(little, range(4000, 3), '2030-03-01T06:00:00Z');
    const { store, calls: commits } = counting('commit');
    const now = new Date('2031-03-02T00:00:00Z');

    // Stops starting work after 12 member transactions: not a third of the big shop's.
    const first = await expireLots(store, now, { ...small, budget: { remains: () => commits() < 12 } });

    expect(first.more).toBe(true);
    expect(await balances(little, range(4000, 3))).toEqual([0, 0, 0]);
    const bigLeft = (await balances(big, range(3000, 40))).filter((balance) => balance > 0).length;
    expect(bigLeft).toBeGreaterThan(20);

    const second = await expireLots(store, now, small);

    expect(second).toMatchObject({ lotsSettled: bigLeft, pointsExpired: bigLeft * 10, more: false });
    expect(first.pointsExpired + second.pointsExpired).toBe(430);
    expect(await balances(big, range(3000, 40))).toEqual(Array(40).fill(0));
    for (const customerId of [3000, 3039, 4000]) {
      const shop = customerId < 4000 ? big : little;
      const activity = await json(await service.proxy('/member/activity', { customerId: String(customerId), shop }));
      expect(activity.entries.filter((entry: { type: string }) => entry.type === 'expire')).toHaveLength(1);
    }
  });

  it('send every reminder due, once, across runs stopped by their budget while queuing and while sending', async () => {
    const shop = await aShop();
    const customers = range(5000, 30);
    await ordersAt(shop, customers, '2030-06-15T10:00:00Z');
    const { store, calls: queuedCalls } = counting('queueNotification');
    const sent: Notification[] = [];
    const notifier: Notifier = { send: async (notification) => void sent.push(notification) };
    const at = (time: string) => new Date(`2031-05-16T${time}Z`); // 30 days before the lots expire

    // Stops while queuing: nothing is sent in this run.
    const first = await sendReminders(store, notifier, at('09:00:00'), { ...small, budget: { remains: () => queuedCalls() < 8 } });
    expect(first).toMatchObject({ sent: 0, more: true });
    expect(first.queued).toBeLessThan(30);
    // Queues the rest, then stops while sending.
    const second = await sendReminders(store, notifier, at('09:15:00'), { ...small, budget: { remains: () => sent.length < 10 } });
    expect(second.more).toBe(true);
    expect(first.queued + second.queued).toBe(30);
    expect(sent.length).toBeLessThan(30);
    // Sends the rest.
    const third = await sendReminders(store, notifier, at('09:30:00'), small);
    const fourth = await sendReminders(store, notifier, at('09:45:00'), small);

    expect(third).toMatchObject({ queued: 0, more: false });
    expect(fourth).toMatchObject({ queued: 0, sent: 0, more: false });
    expect(sent.map((message) => message.customerId).sort()).toEqual(customers.map(String).sort());
    expect(new Set(sent.map((message) => message.id)).size).toBe(30);
  });
});
