/**
 * The port of reading what an event needs and committing what it changes: the shop, the member,
 * their lots and ledger, orders, and the one transaction that writes a change.
 */
import type { Change } from '../../earning/change.ts';
import type { Coupon } from '../../rewards/coupon.ts';
import type { LedgerEntry, Lot, Member, Order } from '../../ledger/types.ts';
import type { Shop } from '../records.ts';
import type { Page } from './page.ts';

export interface EventReads {
  shop?: Shop;
  member?: Member;
  order?: Order;
  /** The lot asked for (an order's own lot). */
  lot?: Lot;
  /** The coupons asked for that exist. */
  coupons: Coupon[];
}

export interface EventReadRequest {
  shop: string;
  /** When given, the shop may come from the container's cache of recent reads. */
  now?: Date;
  customerId?: string;
  orderId?: string;
  /** One of the customer's lots. */
  lotId?: string;
  /** Discount codes an order used: which are our coupons? */
  couponCodes?: string[];
  /** A paid order: the shop's bonus campaigns are read in the same request (unless the container holds them). */
  campaigns?: boolean;
}

export interface CommitRequest {
  /** The shop's domain: every record of the change belongs to it. */
  shop: string;
  change: Change;
  /** Recorded with the change (a redemption's `Idempotency-Key`); a key already recorded makes the commit a duplicate. */
  idempotencyKeys?: string[];
  /** The shop's record, when the change creates it (`rev` 0) or updates it (`rev` as read). */
  shopRecord?: Shop;
  /** Kept with the idempotency records, to answer a replay the same way. */
  idempotencyResult?: Record<string, unknown>;
  now: Date;
}

/** `conflict`: something read has changed since; read again and retry. */
export type CommitResult = 'committed' | 'duplicate' | 'conflict';

export interface EventStore {
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
  getOrders(shop: string, orderIds: string[]): Promise<Order[]>;
  /**
   * An order and one customer's lot of it (`lotId`, in that customer's partition), in one consistent
   * round trip. The order comes back whoever its customer is: the caller checks it is theirs.
   */
  getOrderAndLot(shop: string, orderId: string, customerId: string, lotId: string): Promise<{ order?: Order; lot?: Lot }>;
  /** Writes a change all together or not at all. */
  commit(request: CommitRequest): Promise<CommitResult>;
  /** The answer recorded with an idempotency key, if the key was used. */
  idempotencyResult(shop: string, key: string): Promise<Record<string, unknown> | undefined>;
}
