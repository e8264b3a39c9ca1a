/**
 * Sends what the notification outbox holds, drained like the jobs' other due items: every message
 * due by `now`, shops in turn, several at once, until none is left or the budget runs out. A
 * message is claimed (with a lease) before it is sent and marked sent after: overlapping runs
 * never send one message twice, and a run that dies mid-send leaves the message to the next run
 * once the lease is over. An outlet that fails gets the message again later, with backoff (so
 * not again in the same run). A run that stops early leaves the rest due: the next run sends it.
 */
import { drain, type DrainOptions } from '../jobs/drain.ts';
import type { DueIndex, NotificationOutbox } from '../store/ports.ts';
import type { Notifier } from './notification.ts';

const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export interface DeliveryRun {
  sent: number;
  failed: number;
  /** The budget ran out with messages still due; the next run sends them. */
  more: boolean;
}

export async function deliverNotifications(store: DueIndex & NotificationOutbox, notifier: Notifier, now: Date, options: DrainOptions = {}): Promise<DeliveryRun> {
  const at = now.toISOString();
  let sent = 0;
  let failed = 0;
  const drained = await drain(
    {
      pages: (pageSize) => store.dueNotificationPages({ before: at, pageSize }),
      shopOf: (ref) => ref.shop,
      keyOf: (ref) => `${ref.shop}\u0000${ref.customerId}\u0000${ref.id}`,
      work: async ([ref]) => {
        const record = await store.claimNotification(ref!, at, new Date(now.getTime() + LEASE_MS).toISOString());
        if (!record) return; // another run has it, or it was sent meanwhile
        try {
          await notifier.send(record.notification);
        } catch (error) {
          const wait = Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.max(0, record.attempts - 1));
          await store.settleNotification(ref!, { retryAt: new Date(now.getTime() + wait).toISOString(), error: error instanceof Error ? error.message : String(error) });
          failed++;
          return;
        }
        await store.settleNotification(ref!, { sentAt: at });
        sent++;
      },
    },
    options,
  );
  return { sent, failed, more: drained.more };
}
