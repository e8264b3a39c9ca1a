/**
 * The `remind` job: at each offset of the program (30 and 7 days by default) before lots expire,
 * one message per member, expiry day and offset, with the balance, the points and the date, and
 * the rewards the member can already afford. Lots come from the expiry index: for offset k, the
 * lots expiring on the day k days from today, or the day before (a missed run is caught up). The message id
 * (member, day, offset) makes the outbox refuse a second one, across repeated and overlapping runs;
 * a run after one that stopped early skips the reminders already queued at the cost of one read.
 */
import { addDays, DAY_MS, utcDay } from '../clock.ts';
import { lotStandings } from '../ledger/lots.ts';
import { deliverNotifications } from '../notify/deliver.ts';
import { addressing, affordableRewards, mayMessage } from '../notify/messages.ts';
import type { Notification, Notifier } from '../notify/notification.ts';
import type { DueLot, LoyaltyStore, Shop } from '../store/ports.ts';
import { drain, type DrainOptions } from './drain.ts';
import type { UnsubscribeLinks } from '../notify/unsubscribe.ts';

/** Days before the reminder's own day that a run still covers, for a run that was missed. */
const CATCH_UP_DAYS = 1;

export interface RemindRun {
  offsets: number[];
  /** Reminders (member, expiry day, offset) looked at. */
  considered: number;
  queued: number;
  skipped: number;
  sent: number;
  failed: number;
  /** The budget ran out with reminders still to queue or send; the next run goes on. */
  more: boolean;
}

export interface RemindOptions extends DrainOptions {
  links?: UnsubscribeLinks;
}

/** A lot due in a reminder's window, with the offset of that window. */
type DueForReminder = DueLot & { offset: number };

/**
 * Queues every reminder due today (all of them: the walk goes through the whole window, shops in
 * turn, until it is done or the budget runs out), then sends what the outbox holds. A reminder is
 * queued once per message id; one queued but not sent in this run is sent by the next, once.
 */
export async function sendReminders(store: LoyaltyStore, notifier: Notifier, now: Date, options: RemindOptions = {}): Promise<RemindRun> {
  const { links, ...drainOptions } = options;
  const shops = new Map((await store.listShops()).filter((shop) => shop.active).map((shop) => [shop.shop, shop]));
  const offsets = [...new Set([...shops.values()].flatMap((shop) => shop.program.reminders.daysBefore))].sort((a, b) => b - a);
  let queued = 0;
  let skipped = 0;

  const drained = await drain<DueForReminder>(
    {
      pages: async function* (pageSize) {
        for (const offset of offsets) {
          // Reminders go by the expiry day: the whole day `offset` days from today, and the day(s) before.
          const day = utcDay(addDays(now, offset));
          const before = `${day}T23:59:59.999Z`;
          const after = new Date(Date.parse(`${day}T00:00:00.000Z`) - CATCH_UP_DAYS * DAY_MS - 1).toISOString();
          for await (const page of store.dueLotPages('EXPIRES', { before, after, pageSize })) yield page.map((lot) => ({ ...lot, offset }));
        }
      },
      shopOf: (lot) => lot.shop,
      keyOf: (lot) => `${lot.shop}\u0000${lot.customerId}\u0000${utcDay(lot.at)}\u0000${lot.offset}`,
      work: async ([lot]) => {
        const { customerId, offset } = lot!;
        const day = utcDay(lot!.at);
        const shop = shops.get(lot!.shop);
        if (!shop?.program.reminders.daysBefore.includes(offset)) {
          skipped++; // an uninstalled shop, or one without this offset
          return;
        }
        // Queued by an earlier run (one that stopped early, or earlier today): nothing to read again.
        if (await store.hasNotification({ shop: shop.shop, customerId, id: reminderId(customerId, day, offset) })) return;
        const notification = await reminderFor(store, shop, customerId, day, offset, now, links);
        if (!notification) skipped++;
        else if (await store.queueNotification(notification, now.toISOString())) queued++;
      },
    },
    drainOptions,
  );
  const delivered = await deliverNotifications(store, notifier, now, drainOptions);
  return { offsets, considered: drained.units, queued, skipped, sent: delivered.sent, failed: delivered.failed, more: drained.more || delivered.more };
}

/** One message per member, expiry day and offset: the outbox refuses a second with this id. */
const reminderId = (customerId: string, day: string, offset: number) => `points-expiring:${customerId}:${day}:${offset}`;

async function reminderFor(store: LoyaltyStore, shop: Shop | undefined, customerId: string, day: string, offset: number, now: Date, links?: UnsubscribeLinks): Promise<Notification | undefined> {
  if (!shop?.program.reminders.daysBefore.includes(offset)) return undefined;
  const member = await store.getMember(shop.shop, customerId);
  if (!member || !mayMessage(shop, member)) return undefined;
  const standings = lotStandings(await store.activeLots(shop.shop, customerId), member.consumed);
  const points = standings.filter(({ lot }) => utcDay(lot.expiresAt) === day).reduce((sum, { remaining }) => sum + remaining, 0);
  if (points === 0) return undefined; // already spent: nothing to remind of
  return {
    id: reminderId(customerId, day, offset),
    kind: 'points-expiring',
    ...addressing(shop, member),
    ...(links ? { unsubscribeUrl: links(shop.shop, customerId) } : {}),
    createdAt: now.toISOString(),
    data: { balance: member.balance, points, expiresOn: day, daysBefore: offset, rewards: affordableRewards(shop.program, member.balance) },
  };
}
