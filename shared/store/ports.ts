/**
 * The storage port: what the use cases need from a database. `store/dynamodb/` is the adapter;
 * tests run it against DynamoDB Local, never a mock.
 */
import type { Change } from '../earning/change.ts';
import type { Coupon, CouponStatus } from '../rewards/coupon.ts';
import type { Notification } from '../notify/notification.ts';
import type { StatsUpdate } from '../kpis/stats-types.ts';
import type { LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';
import type { ExportRequest, ProgramChange, Shop } from './records.ts';

export type { ExportRequest, ProgramChange, Shop } from './records.ts';

export interface EventReads {
  shop?: Shop;
  member?: Member;
  order?: Order;
  /** The lot asked for (an order's own lot). */
  lot?: Lot;
  /** The coupons asked for that exist. */
  coupons: Coupon[];
  /** Whether any of the idempotency keys asked for was already recorded. */
  seen: boolean;
}

export interface EventReadRequest {
  shop: string;
  idempotencyKeys: string[];
  customerId?: string;
  orderId?: string;
  /** One of the customer's lots. */
  lotId?: string;
  /** Discount codes an order used: which are our coupons? */
  couponCodes?: string[];
}

export interface CommitRequest {
  /** The shop's domain: every record of the change belongs to it. */
  shop: string;
  change: Change;
  /** Recorded with the change; a key already recorded makes the commit a duplicate. */
  idempotencyKeys: string[];
  /** The shop's record, when the change creates it (`rev` 0) or updates it (`rev` as read). */
  shopRecord?: Shop;
  /** Kept with the idempotency records, to answer a replay the same way. */
  idempotencyResult?: Record<string, unknown>;
  now: Date;
}

/** `conflict`: something read has changed since; read again and retry. */
export type CommitResult = 'committed' | 'duplicate' | 'conflict';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export interface LoyaltyStore {
  /** Everything one event needs, in one consistent round trip. */
  readForEvent(request: EventReadRequest): Promise<EventReads>;
  getShop(shop: string): Promise<Shop | undefined>;
  /** Creates the shop unless it exists; answers the stored one. */
  ensureShop(shop: Shop): Promise<Shop>;
  getMember(shop: string, customerId: string): Promise<Member | undefined>;
  /** A member and one of their lots, in one consistent round trip. */
  getMemberAndLot(shop: string, customerId: string, lotId: string): Promise<{ member?: Member; lot?: Lot }>;
  /** Lots of one member, by id (those that exist), in one consistent round trip. */
  getLots(shop: string, customerId: string, lotIds: string[]): Promise<Lot[]>;
  /** The member's lots that still count: not fully reversed, not settled by expiry. */
  activeLots(shop: string, customerId: string): Promise<Lot[]>;
  /** The member's ledger, newest first. */
  ledger(shop: string, customerId: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>>;
  /** Writes a change all together or not at all. */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** The answer recorded with an idempotency key, if the key was used. */
  idempotencyResult(shop: string, key: string): Promise<Record<string, unknown> | undefined>;
  getCoupon(shop: string, code: string): Promise<Coupon | undefined>;
  /**
   * Saves a coupon's new state if it is still in `expected` status (and, given `expectedAttempts`,
   * still at that many attempts: a claim only one runner wins); false when it was not.
   */
  saveCoupon(coupon: Coupon, expected: CouponStatus, expectedAttempts?: number): Promise<boolean>;
  /** Pending coupons whose next try is due, oldest first. */
  dueCoupons(now: Date, limit: number): Promise<{ shop: string; code: string }[]>;
  /**
   * Shopify refused a coupon for good: it becomes `failed` and its points come back to the member
   * as a new lot, all in one transaction. False when the coupon was no longer pending.
   */
  refundCoupon(coupon: Coupon, refund: { lot: Lot; entry: LedgerEntry; stats?: StatsUpdate[] }): Promise<boolean>;

  /** Every shop the service knows (one page of the shops index at a time). */
  listShops(): Promise<Shop[]>;
  /** Lots due by `before` (and after `after`): expiring, or leaving their return window. */
  dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]>;
  /**
   * Takes a due lot that has nothing left to fall due for (no points: reversed whole) out of the
   * due index, so it never holds up the jobs. False when it is no longer there or has points again.
   */
  dropEmptyDueLot(kind: 'EXPIRES' | 'PENDING', lot: DueLot): Promise<boolean>;
  /** Members whose lapse date has come and who are not flagged for it yet. */
  dueMembers(before: string, limit: number): Promise<{ shop: string; customerId: string }[]>;
  /** Records a message unless one with its id exists; false when it does (already sent or queued). */
  queueNotification(notification: Notification, dueAt: string): Promise<boolean>;
  /** Messages due to be sent (new, failed earlier, or abandoned mid-send by a crashed run). */
  dueNotifications(before: string, limit: number): Promise<NotificationRef[]>;
  /** Takes a due message for sending until `leaseUntil`; undefined when another run has it or it is sent. */
  claimNotification(ref: NotificationRef, now: string, leaseUntil: string): Promise<NotificationRecord | undefined>;
  /**
   * Saves a new program version: the shop (expected at `current.rev`) and the audit record of the
   * change, together. False when the shop changed since it was read.
   */
  saveProgram(current: Shop, next: Shop, change: ProgramChange): Promise<boolean>;
  /** The program's versions, newest first: who changed what, when. */
  programHistory(shop: string, limit: number): Promise<ProgramChange[]>;
  /** The stored figures of these buckets (days `2026-01-31`, or `gauge`): counters and sets, per item. */
  readStats(shop: string, buckets: string[]): Promise<{ counters: Record<string, number>; sets: Record<string, string[]> }[]>;
  /** Every record in a member's partition (member, lots, ledger, messages, survey answers), as stored. */
  memberRecords(shop: string, customerId: string): Promise<Record<string, unknown>[]>;
  getOrders(shop: string, orderIds: string[]): Promise<Order[]>;
  getCoupons(shop: string, codes: string[]): Promise<Coupon[]>;
  /**
   * Takes one of `limit` requests allowed for `key` in the window `windowStart` names (a fixed
   * window, counted with a conditional ADD, expiring by itself). False when the window is used up.
   */
  takeRateToken(shop: string, key: string, windowStart: string, limit: number, expiresAt: Date): Promise<boolean>;
  /** Records a data request for the export job, once per request id. */
  queueExportRequest(request: ExportRequest, dueAt: string): Promise<void>;
  dueExportRequests(before: string, limit: number): Promise<ExportRequest[]>;
  completeExportRequest(request: ExportRequest, location: string, at: string): Promise<void>;
  /** Removes the personal data from a member's messages and survey comments. */
  redactMemberRecords(shop: string, customerId: string): Promise<number>;
  /**
   * Deletes everything of a shop: members' partitions, survey answers and export requests of
   * customers who are not members, orders, coupons, figures, delivery ids, rate limits, program
   * versions, and the shop last. At most `maxItems` deletions per call; `done` false when it
   * stopped before the end. A call stopped anywhere (or killed) leaves the rest findable: calling
   * again goes on.
   */
  eraseShop(shop: string, options?: { maxItems?: number }): Promise<{ erased: number; done: boolean }>;
  /** Members of a shop, by tier then customer id, optionally of one tier. */
  listMembers(shop: string, query: { tier?: string; limit: number; cursor?: string }): Promise<Page<Member>>;
  /** Marks a claimed message sent, or due again at `retryAt` after a failure. */
  settleNotification(ref: NotificationRef, outcome: { sentAt: string } | { retryAt: string; error: string }): Promise<void>;
}

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

export interface DueLot {
  shop: string;
  customerId: string;
  lotId: string;
  /** Its expiry (or, pending, the end of its return window). */
  at: string;
}

export class InvalidCursorError extends Error {
  readonly type = 'invalid-cursor';
  constructor() {
    super('the cursor is not one this service gave out');
    this.name = 'InvalidCursorError';
  }
}

/**
 * A shop's Shopify Admin API tokens, in an item of their own (never on the shop record that every
 * webhook reads). The tokens are sealed by a `TokenCipher` before they get here.
 */
export interface StoredAccessToken {
  shop: string;
  /** Sealed as `sealedWith` says. */
  accessToken: string;
  refreshToken?: string;
  sealedWith: 'kms' | 'none';
  /** When the access token stops working; absent for one that does not expire. */
  expiresAt?: string;
  refreshTokenExpiresAt?: string;
  scope?: string;
  /** `needs-reauth`: Shopify refused its refresh; the next session token of the shop exchanges again. */
  status: 'ok' | 'needs-reauth';
  obtainedAt: string;
  /** While one caller refreshes the token, others wait for its result instead of refreshing too. */
  refreshingUntil?: string;
  rev: number;
}

/** The port of the shop's token item: every write is conditional on the revision read. */
export interface AccessTokenStore {
  getAccessToken(shop: string): Promise<StoredAccessToken | undefined>;
  /** Writes the record as revision `expectedRev + 1`; false when the stored one is not at `expectedRev` (0: none stored). */
  putAccessToken(token: Omit<StoredAccessToken, 'rev'>, expectedRev: number): Promise<boolean>;
  /** Forgets the shop's tokens (the app was uninstalled). */
  deleteAccessToken(shop: string): Promise<void>;
}

/** When each webhook topic last arrived for a shop: written at most about once a minute per topic. */
export interface WebhookDeliveryLog {
  recordDelivery(shop: string, topic: string, at: string): Promise<void>;
  lastDeliveries(shop: string): Promise<{ topic: string; lastDeliveryAt: string }[]>;
}
