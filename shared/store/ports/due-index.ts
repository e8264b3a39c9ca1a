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

export interface DueIndex {
  /** Lots due by `before` (and after `after`): expiring, or leaving their return window. */
  dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]>;
  /**
   * Takes a due lot that has nothing left to fall due for (no points: reversed whole) out of the
   * due index, so it never holds up the jobs. False when it is no longer there or has points again.
   */
  dropEmptyDueLot(kind: 'EXPIRES' | 'PENDING', lot: DueLot): Promise<boolean>;
  /** Members whose lapse date has come and who are not flagged for it yet. */
  dueMembers(before: string, limit: number): Promise<{ shop: string; customerId: string }[]>;
  /** Pending coupons whose next try is due, oldest first. */
  dueCoupons(now: Date, limit: number): Promise<{ shop: string; code: string }[]>;
  /** Messages due to be sent (new, failed earlier, or abandoned mid-send by a crashed run). */
  dueNotifications(before: string, limit: number): Promise<NotificationRef[]>;
  dueExportRequests(before: string, limit: number): Promise<ExportRequest[]>;
}
