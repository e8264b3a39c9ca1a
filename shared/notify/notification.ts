/**
 * Messages to customers (expiring points, win-back) and the one interface every outlet meets:
 * Amazon SES in the cloud, an EventBridge event per message (for stores that send through Klaviyo
 * or similar), and locally an outbox on disk behind `GET /dev/outbox`.
 */

export type NotificationKind = 'points-expiring' | 'winback';

export interface RewardOffer {
  id: string;
  name: string;
  cost: number;
}

export interface Notification {
  /** Deterministic from what it is about, so a resend is recognisably the same message. */
  id: string;
  kind: NotificationKind;
  shop: string;
  customerId: string;
  /** Where to send it; absent when the customer has no e-mail address on record. */
  email?: string;
  /** The store's sender identity (verified in SES); without it the e-mail outlet skips the message. */
  from?: string;
  /** The store's name, for the message. */
  shopName?: string;
  firstName?: string;
  /** Where the customer stops these messages with one click (`shared/notify/unsubscribe.ts`). */
  unsubscribeUrl?: string;
  createdAt: string;
  /** The message's content, by kind (see `PointsExpiringData`, `WinbackData`). */
  data: PointsExpiringData | WinbackData;
}

export interface PointsExpiringData {
  balance: number;
  /** Points of the lots that expire on `expiresOn`, still unspent. */
  points: number;
  expiresOn: string;
  daysBefore: number;
  /** Rewards the balance already covers. */
  rewards: RewardOffer[];
}

export interface WinbackData {
  balance: number;
  lastOrderAt: string;
  /** The member's usual days between orders. */
  usualIntervalDays: number;
  daysSinceLastOrder: number;
  rewards: RewardOffer[];
}

/** An outlet. `send` may be called again for the same `id` after a crash; outlets treat it as the same message. */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** Sends to every outlet; all must accept for the message to count as sent. */
export function allOf(...outlets: Notifier[]): Notifier {
  return { send: async (notification) => void (await Promise.all(outlets.map((outlet) => outlet.send(notification)))) };
}
