/**
 * Sends what the notification outbox holds. A message is claimed (with a lease) before it is sent
 * and marked sent after: overlapping runs never send one message twice, and a run that dies
 * mid-send leaves the message to the next run once the lease is over. An outlet that fails gets
 * the message again later, with backoff.
 */
import type { DueIndex, NotificationOutbox } from '../store/ports.ts';
import type { Notifier } from './notification.ts';

const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 6 * 60 * 60_000;

export interface DeliveryRun {
  sent: number;
  failed: number;
}

export async function deliverNotifications(store: DueIndex & NotificationOutbox, notifier: Notifier, now: Date, limit = 500): Promise<DeliveryRun> {
  const run: DeliveryRun = { sent: 0, failed: 0 };
  const at = now.toISOString();
  for (const ref of await store.dueNotifications(at, limit)) {
    const record = await store.claimNotification(ref, at, new Date(now.getTime() + LEASE_MS).toISOString());
    if (!record) continue; // another run has it, or it was sent meanwhile
    try {
      await notifier.send(record.notification);
      await store.settleNotification(ref, { sentAt: at });
      run.sent++;
    } catch (error) {
      const wait = Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.max(0, record.attempts - 1));
      await store.settleNotification(ref, { retryAt: new Date(now.getTime() + wait).toISOString(), error: error instanceof Error ? error.message : String(error) });
      run.failed++;
    }
  }
  return run;
}
