/**
 * The use case behind every earning webhook: read what the event needs, let the pure core decide
 * the change, and write it in one transaction that expects nothing read to have changed. The
 * program's figures are not written here: they follow from the table's change stream. When
 * something did change (a concurrent delivery for the same member), read again and retry.
 */
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { defaultRetryPolicy, retryOnConflict, type RetryPolicy } from '../store/retry.ts';
import type { Change } from './change.ts';
import { applyCustomerCreated, applyCustomerUpdated } from './customers.ts';
import type { EarningEvent } from './events.ts';
import { applyOrderCancelled, applyOrderPaid, applyRefund, orderLotId, type OrderContext } from './orders.ts';
import { ratingsToRedo, withRerates } from './rerate.ts';
import { newShop } from './shops.ts';
import { claimGuestOrders, readGuestClaims, recordGuestOrder } from './guest-claims.ts';
import { withReferralOrders } from '../referrals/attribution.ts';
import { programForCurrency } from '../program/currency-defaults.ts';
import { couponPrefix, looksLikeCouponCode, randomCouponCode } from '../rewards/coupon-code.ts';

export interface ProcessEventInput {
  shop: string;
  event: EarningEvent;
  now: Date;
}

export type ProcessEventOutcome =
  | { outcome: 'applied'; points: number; balance?: number }
  /** Seen before (same delivery, or the same business event under a new id), or nothing to do. */
  | { outcome: 'duplicate' }
  | { outcome: 'no-effect' };

export async function processEvent(store: LoyaltyStore, input: ProcessEventInput, retry: RetryPolicy = defaultRetryPolicy): Promise<ProcessEventOutcome> {
  return retryOnConflict(() => attemptOnce(store, input), retry);
}

async function attemptOnce(store: LoyaltyStore, { shop, event, now }: ProcessEventInput): Promise<ProcessEventOutcome | 'conflict'> {
  const customerId = 'customerId' in event ? event.customerId : undefined;
  const orderId = 'orderId' in event ? event.orderId : undefined;
  // No delivery ids are read or written: the order, its refunds and the member's contact date are
  // what makes a replay (same delivery, or the same business event under a new id) change nothing.
  const reads = await store.readForEvent({
    shop,
    now,
    ...(customerId ? { customerId } : {}),
    ...(orderId ? { orderId, lotId: orderLotId(orderId) } : {}),
    ...(event.kind === 'order-paid' ? { couponCodes: event.discountCodes.filter(looksLikeCouponCode) } : {}),
    // Bonus campaigns come with the same batch read (docs/campaigns.md).
    ...(event.kind === 'order-paid' && event.customerId ? { campaigns: true } : {}),
  });

  const currency = event.kind === 'order-paid' ? event.currency : undefined;
  let shopWrite: Shop | undefined;
  if (!reads.shop) shopWrite = newShop(shop, now, currency);
  // The first order names the shop's currency: a program still at the service's default becomes
  // the default in that currency (never one its owner saved), in the same conditional write.
  else if (currency && !reads.shop.currency) shopWrite = { ...reads.shop, currency, program: programForCurrency(reads.shop, currency) };
  const program = (shopWrite ?? reads.shop)!.program;

  let change: Change | null;
  if (event.kind === 'customer-created' || event.kind === 'customer-updated') {
    const ctx = { shop, program, now, ...(reads.member ? { member: reads.member } : {}) };
    change = event.kind === 'customer-created' ? applyCustomerCreated(ctx, event) : applyCustomerUpdated(ctx, event);
    // A verified email claims the guest orders waiting for it, in the enrolment's transaction.
    if (event.kind === 'customer-created') change = claimGuestOrders({ ...ctx, ...(await readGuestClaims(store, shop, program, event)) }, event, change);
  } else {
    // A refund names only its order; the order (if it arrived first) names the customer.
    const owner = reads.order?.customerId ?? customerId;
    const { member, lot } = owner === customerId ? reads : owner && orderId ? await store.getMemberAndLot(shop, owner, orderLotId(orderId)) : {};
    const prefix = couponPrefix(shop, program.coupons.prefix);
    const ctx: OrderContext = {
      shop,
      program,
      now,
      ...(reads.shop?.currency ? { currency: reads.shop.currency } : {}),
      coupons: reads.coupons,
      couponCode: () => randomCouponCode(prefix),
      ...(reads.order ? { order: reads.order } : {}),
      ...(member ? { member } : {}),
      ...(lot ? { lot } : {}),
      // Bonus campaigns run by the order's own instant: only a payment not yet counted reads them (cached per container).
      ...(event.kind === 'order-paid' && event.customerId && !reads.order?.paid ? { campaigns: await store.campaignsRunningAt(shop, event.at, now) } : {}),
    };
    change = event.kind === 'order-paid' ? (applyOrderPaid(ctx, event) ?? recordGuestOrder(ctx, event)) : event.kind === 'order-cancelled' ? applyOrderCancelled(ctx, event) : applyRefund(ctx, event);
    // A referral's welcome code on the order (a guest's too): the referral waits for its hold.
    if (event.kind === 'order-paid') change = withReferralOrders(ctx, event, change);
    // The change moved the spend that rates the member's later orders: rate them again.
    const rerates = change && member ? ratingsToRedo(change, program) : [];
    if (change && rerates.length) {
      const ids = rerates.map((rerate) => rerate.orderId);
      const [orders, lots] = await Promise.all([store.getOrders(shop, ids), store.getLots(shop, member!.customerId, ids.map(orderLotId))]);
      change = withRerates({ program, now, at: event.at }, change, rerates, orders, lots);
    }
  }

  if (!change) {
    // Nothing to change, but a shop seen for the first time is still created.
    if (shopWrite) {
      const created = await store.commit({ shop, change: { lots: [], entries: [] }, shopRecord: shopWrite, now });
      if (created === 'conflict') return 'conflict';
    }
    return event.kind === 'order-paid' && !event.customerId ? { outcome: 'no-effect' } : { outcome: 'duplicate' };
  }
  const result = await store.commit({ shop, change, ...(shopWrite ? { shopRecord: shopWrite } : {}), now });
  if (result !== 'committed') return result === 'duplicate' ? { outcome: 'duplicate' } : 'conflict';
  // A guest order's points wait for an account with its email: nothing is earned yet.
  if (change.guestClaim) return { outcome: 'no-effect' };
  return {
    outcome: 'applied',
    points: change.entries.reduce((sum, entry) => sum + entry.points, 0),
    ...(change.member ? { balance: change.member.balance } : {}),
  };
}
