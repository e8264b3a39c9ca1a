/**
 * The port of the due index: what the scheduled jobs find to do by time (lots expiring or leaving
 * their return window, members lapsing, coupons, messages and data exports waiting to go out).
 */
import type { ExportRequest } from '../records.ts';
import type { NotificationRef } from './notification-outbox.ts';

export interface DueLot {
  shop: string;
  customerId: string;
  lotId: string;
  /** Its expiry (or, pending, the end of its return window). */
  at: string;
}

/** A member whose lapse date has come (win-back). */
export interface DueMember {
  shop: string;
  customerId: string;
}

/** What a walk of the due index covers: items due by `before` (and after `after`). */
export interface DueRange {
  before: string;
  after?: string;
  /** About how many items a page holds, across the index's shards (1,000 by default). */
  pageSize?: number;
}

export interface DueIndex {
  /** Lots due by `before` (and after `after`): expiring, or leaving their return window; the oldest `limit`. */
  dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]>;
  /**
   * Every lot due in `range`, a page at a time (roughly oldest first), however many there are.
   * What is settled meanwhile leaves the index; a new walk finds only what is left.
   */
  dueLotPages(kind: 'EXPIRES' | 'PENDING', range: DueRange): AsyncIterable<DueLot[]>;
  /** Every member whose lapse date is in `range` and who is not flagged for it yet, a page at a time. */
  dueMemberPages(range: DueRange): AsyncIterable<DueMember[]>;
  /** Every message due to be sent by `range.before`, a page at a time. */
  dueNotificationPages(range: DueRange): AsyncIterable<NotificationRef[]>;
  /**
   * Takes a due lot that has nothing left to fall due for (no points: reversed whole) out of the
   * due index, so it never holds up the jobs. False when it is no longer there or has points again.
   */
  dropEmptyDueLot(kind: 'EXPIRES' | 'PENDING', lot: DueLot): Promise<boolean>;
  /** Members whose lapse date has come and who are not flagged for it yet. */
  dueMembers(before: string, limit: number): Promise<DueMember[]>;
  /** Pending coupons whose next try is due, oldest first. */
  dueCoupons(now: Date, limit: number): Promise<{ shop: string; code: string }[]>;
  /** Messages due to be sent (new, failed earlier, or abandoned mid-send by a crashed run). */
  dueNotifications(before: string, limit: number): Promise<NotificationRef[]>;
  dueExportRequests(before: string, limit: number): Promise<ExportRequest[]>;
}
