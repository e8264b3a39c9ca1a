/** The port of the notification outbox: a message is written once per id, claimed, sent, settled. */
import type { Notification } from '../../notify/notification.ts';

/** A message in the notification outbox: written once per id, sent, then marked sent. */
export interface NotificationRecord {
  notification: Notification;
  status: 'pending' | 'sending' | 'sent';
  attempts: number;
  /** When it is next due to be (re)tried. */
  dueAt: string;
  sentAt?: string;
  lastError?: string;
}

export interface NotificationRef {
  shop: string;
  customerId: string;
  id: string;
}

export interface NotificationOutbox {
  /**
   * Whether a message with this id was queued (sent or not): lets a job that goes over the same
   * members again (a run after one that stopped early) skip the reads that build the message.
   */
  hasNotification(ref: NotificationRef): Promise<boolean>;
  /** Records a message unless one with its id exists; false when it does (already sent or queued). */
  queueNotification(notification: Notification, dueAt: string): Promise<boolean>;
  /** Takes a due message for sending until `leaseUntil`; undefined when another run has it or it is sent. */
  claimNotification(ref: NotificationRef, now: string, leaseUntil: string): Promise<NotificationRecord | undefined>;
  /** Marks a claimed message sent, or due again at `retryAt` after a failure. */
  settleNotification(ref: NotificationRef, outcome: { sentAt: string } | { retryAt: string; error: string }): Promise<void>;
}
