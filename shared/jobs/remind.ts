/**
 * The `remind` job: at each offset of the program (30 and 7 days by default) before lots expire,
 * one message per member, expiry day and offset, with the balance, the points and the date, and
 * the rewards the member can already afford. Lots come from the expiry index: for offset k, the
 * lots expiring on the day k days from today, or the day before (a missed run is caught up). The message id
 * (member, day, offset) makes the outbox refuse a second one, across repeated and overlapping runs.
 */
import { addDays, DAY_MS, utcDay } from '../clock.ts';
import { lotStandings } from '../ledger/lots.ts';
import { deliverNotifications } from '../notify/deliver.ts';
import { addressing, affordableRewards, mayMessage } from '../notify/messages.ts';
import type { Notification, Notifier } from '../notify/notification.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { UnsubscribeLinks } from '../notify/unsubscribe.ts';

/** Days before the reminder's own day that a run still covers, for a run that was missed. */
const CATCH_UP_DAYS = 1;

export interface RemindRun {
  offsets: number[];
  considered: number;
  queued: number;
  skipped: number;
  sent: number;
  failed: number;
}

export async function sendReminders(store: LoyaltyStore, notifier: Notifier, now: Date, limit = 1000, links?: UnsubscribeLinks): Promise<RemindRun> {
  const shops = new Map((await store.listShops()).filter((shop) => shop.active).map((shop) => [shop.shop, shop]));
  const offsets = [...new Set([...shops.values()].flatMap((shop) => shop.program.reminders.daysBefore))].sort((a, b) => b - a);
  const run: RemindRun = { offsets, considered: 0, queued: 0, skipped: 0, sent: 0, failed: 0 };

  for (const offset of offsets) {
    // Reminders go by the expiry day: the whole day `offset` days from today, and the day(s) before.
    const day = utcDay(addDays(now, offset));
    const to = `${day}T23:59:59.999Z`;
    const from = new Date(Date.parse(`${day}T00:00:00.000Z`) - CATCH_UP_DAYS * DAY_MS - 1).toISOString();
    const due = await store.dueLots('EXPIRES', to, limit, from);
    const groups = new Map<string, { shop: string; customerId: string; day: string }>();
    for (const lot of due) groups.set(`${lot.shop}\u0000${lot.customerId}\u0000${utcDay(lot.at)}`, { shop: lot.shop, customerId: lot.customerId, day: utcDay(lot.at) });
    for (const group of groups.values()) {
      run.considered++;
      const notification = await reminderFor(store, shops.get(group.shop), group.customerId, group.day, offset, now, links);
      if (!notification) {
        run.skipped++;
        continue;
      }
      if (await store.queueNotification(notification, now.toISOString())) run.queued++;
    }
  }
  const delivered = await deliverNotifications(store, notifier, now);
  return { ...run, sent: delivered.sent, failed: delivered.failed };
}

async function reminderFor(store: LoyaltyStore, shop: Shop | undefined, customerId: string, day: string, offset: number, now: Date, links?: UnsubscribeLinks): Promise<Notification | undefined> {
  if (!shop?.program.reminders.daysBefore.includes(offset)) return undefined;
  const member = await store.getMember(shop.shop, customerId);
  if (!member || !mayMessage(shop, member)) return undefined;
  const standings = lotStandings(await store.activeLots(shop.shop, customerId), member.consumed);
  const points = standings.filter(({ lot }) => utcDay(lot.expiresAt) === day).reduce((sum, { remaining }) => sum + remaining, 0);
  if (points === 0) return undefined; // already spent: nothing to remind of
  return {
    id: `points-expiring:${customerId}:${day}:${offset}`,
    kind: 'points-expiring',
    ...addressing(shop, member),
    ...(links ? { unsubscribeUrl: links(shop.shop, customerId) } : {}),
    createdAt: now.toISOString(),
    data: { balance: member.balance, points, expiresOn: day, daysBefore: offset, rewards: affordableRewards(shop.program, member.balance) },
  };
}
