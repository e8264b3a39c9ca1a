/**
 * Orders: payment earns, cancellation and refunds reverse. Each function records the event's facts
 * on the order and then settles: whatever the facts say the order should have earned, reversed
 * and counted toward tiers, minus what it already has. That is why the final state does not depend
 * on the order in which Shopify delivers the events.
 */
import { addDays } from '../clock.ts';
import { pointsForSpend, proportionOf } from '../ledger/points.ts';
import { boundedByNow, latest, pruneSpend, spendBefore } from '../ledger/spend.ts';
import { toMinorUnits } from '../money/money.ts';
import type { LedgerEntry, Lot, Member, Order, OrderRefund } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { newCoupon } from '../rewards/redeem.ts';
import { randomCreditReference } from '../rewards/coupon-code.ts';
import { tierForSpend } from '../program/tiers.ts';
import { campaignBonus, withCampaignEntry } from '../campaigns/bonus.ts';
import type { RunningCampaign } from '../campaigns/campaign.ts';
import type { Change } from './change.ts';
import type { OrderCancelled, OrderPaid, RefundCreated } from './events.ts';
import { CurrencyMismatchError } from './errors.ts';
import { withStage } from '../lifecycle/stage.ts';
import { credit, newMember, withActivity, withContact, withOrderStats, withoutOrderStats, withTier } from './members.ts';

export interface OrderContext {
  shop: string;
  program: Program;
  /** The shop's currency, once known: an order in another is refused. */
  currency?: string;
  /** The order as stored, if any event of it arrived before. */
  order?: Order;
  /** The order's customer as stored, if enrolled. */
  member?: Member;
  /** The order's own lot, if it earned before. */
  lot?: Lot;
  /** Our coupons among the order's discount codes. */
  coupons?: Coupon[];
  /** Makes a coupon code, for a tier reward the order may unlock. */
  couponCode?: () => string;
  /** The shop's bonus campaigns that run at a paid order's instant (docs/campaigns.md). */
  campaigns?: readonly RunningCampaign[];
  now: Date;
}

export function newOrder(shop: string, orderId: string): Order {
  return { shop, orderId, refunds: {}, reversedPoints: 0, spendCounted: 0, rev: 0 };
}

export function orderLotId(orderId: string): string {
  return `order:${orderId}`;
}

/** What an order earns on: its subtotal after discounts, without gift cards bought, and without the tax included in prices. */
export function eligibleMinorOf(event: OrderPaid): number {
  return Math.max(0, event.subtotalMinor - event.giftCardMinor - (event.taxesIncluded ? event.includedTaxMinor : 0));
}

/**
 * The order with its payment's facts, as a member's paid order and a guest's claimable one keep
 * them. Refunds that arrived before anything named the currency are read in the order's now.
 */
export function withPayment(
  order: Order,
  event: OrderPaid,
  rated: { eligibleMinor: number; points: number; pointsPerUnit: number; tier: { name: string; multiplier: number } },
  extra: Partial<NonNullable<Order['paid']>> = {},
): Order {
  return {
    ...order,
    refunds: Object.fromEntries(Object.entries(order.refunds).map(([id, refund]) => [id, { at: refund.at, ...refundMinor(refund, event.currency) }])),
    paid: {
      at: event.at,
      currency: event.currency,
      subtotalMinor: event.subtotalMinor,
      giftCardMinor: event.giftCardMinor,
      taxesIncluded: event.taxesIncluded,
      includedTaxMinor: event.includedTaxMinor,
      eligibleMinor: rated.eligibleMinor,
      points: rated.points,
      pointsPerUnit: rated.pointsPerUnit,
      tier: rated.tier.name,
      multiplier: rated.tier.multiplier,
      discountCodes: event.discountCodes,
      ...extra,
    },
  };
}

/** Earns on a paid order. `null` when the payment was already counted or the order is a guest's. */
export function applyOrderPaid(ctx: OrderContext, event: OrderPaid): Change | null {
  const order = ctx.order ?? newOrder(ctx.shop, event.orderId);
  if (order.paid || !event.customerId) return null;
  if (ctx.currency && event.currency !== ctx.currency) throw new CurrencyMismatchError(event.orderId, event.currency, ctx.currency);
  const member = ctx.member ?? enrolledByOrder(ctx, event);
  const eligibleMinor = eligibleMinorOf(event);
  const tier = tierForSpend(ctx.program, spendBefore(member.spendByOrder, event.at, event.orderId), event.currency);
  const { pointsPerUnit } = ctx.program.earning;
  // Imported history counts toward tiers and spend; it earns only when the program says so.
  const earns = !event.imported || ctx.program.history?.importedOrdersEarnPoints === true;
  const bonus = earns ? campaignBonus({ campaigns: ctx.campaigns ?? [], at: event.at, tier: tier.name, tierMultiplier: tier.multiplier, eligibleMinor, ...(event.lines ? { lines: event.lines } : {}), currency: event.currency, pointsPerUnit }) : undefined;
  const points = (earns ? pointsForSpend(eligibleMinor, event.currency, pointsPerUnit, tier.multiplier) : 0) + (bonus?.points ?? 0);
  const paidOrder: Order = {
    ...withPayment(order, event, { eligibleMinor, points, pointsPerUnit, tier }, {
      ...(bonus ? { campaign: { id: bonus.campaignId, name: bonus.name, points: bonus.points } } : {}),
      ...loyaltyDiscount(ctx, event),
      ...(event.imported ? { imported: true as const } : {}),
    }),
    customerId: event.customerId,
  };
  // Inside the program's return window the points are pending, unless the window is already over.
  const pendingUntil = ctx.program.pendingDays > 0 ? addDays(event.at, ctx.program.pendingDays).toISOString() : undefined;
  const pending = pendingUntil !== undefined && pendingUntil > ctx.now.toISOString();
  const lot: Lot = {
    id: orderLotId(event.orderId),
    source: 'order',
    orderId: event.orderId,
    earnedAt: event.at,
    expiresAt: addDays(event.at, ctx.program.expiry.days).toISOString(),
    points,
    ...(pending ? { pendingUntil } : {}),
  };
  // A cancellation delivered before the payment: the order never counts as one of the member's.
  const counted = withActivity(order.cancelledAt ? member : withOrderStats(member, event.at, ctx.program), event.at);
  // An imported order that earns nothing has no lot and no ledger entry: only its spend and order count.
  if (!earns) return withCouponUses(ctx, event, settle(ctx, paidOrder, counted, undefined, { id: 'paid', at: event.at }, []));
  const earned = pending
    ? { ...counted, pending: counted.pending + points, lifetimeEarned: counted.lifetimeEarned + points }
    : credit(counted, lot);
  const entry: LedgerEntry = {
    id: `earn:${event.orderId}`,
    type: 'earn',
    points,
    occurredAt: event.at,
    recordedAt: ctx.now.toISOString(),
    balanceAfter: earned.balance,
    orderId: event.orderId,
    ...(pending ? { pendingUntil } : {}),
  };
  return withCouponUses(ctx, event, settle(ctx, paidOrder, earned, lot, { id: 'paid', at: event.at }, withCampaignEntry(entry, bonus, pending)));
}

/** Our coupons the order used are marked used with its change. */
function withCouponUses(ctx: OrderContext, event: OrderPaid, change: Change): Change {
  const uses = (ctx.coupons ?? []).filter((coupon) => coupon.status !== 'used' && event.discountCodes.includes(coupon.code));
  return uses.length ? { ...change, couponUses: uses.map((coupon) => ({ code: coupon.code, orderId: event.orderId, at: event.at })) } : change;
}

/** What our coupon codes took off the order: the cost of the rewards it used (the ROI view's). */
function loyaltyDiscount(ctx: OrderContext, event: OrderPaid): { loyaltyDiscountMinor?: number } {
  const ours = (ctx.coupons ?? []).filter((coupon) => event.discountCodes.includes(coupon.code) && (coupon.status !== 'used' || coupon.usedOrderId === event.orderId));
  const minor = ours.reduce((sum, coupon) => sum + Math.max(0, event.discountAmounts?.[coupon.code] ?? 0), 0);
  return minor > 0 ? { loyaltyDiscountMinor: minor } : {};
}

/** An order from a customer not yet enrolled enrolls them, without the signup bonus. */
function enrolledByOrder(ctx: OrderContext, event: OrderPaid): Member {
  const member = newMember(ctx.shop, event.customerId!, event.customer?.createdAt ?? event.at, ctx.program);
  return (event.customer && withContact(member, event.customer.contact)) || member;
}

/** Reverses what the order earned and has not reversed yet. `null` when already cancelled. */
export function applyOrderCancelled(ctx: OrderContext, event: OrderCancelled): Change | null {
  const order = ctx.order ?? newOrder(ctx.shop, event.orderId);
  if (order.cancelledAt) return null;
  if (!order.paid && !event.customerId && !ctx.order) return null; // a guest order never earned
  const cancelled: Order = { ...order, cancelledAt: event.at, customerId: order.customerId ?? event.customerId };
  return settle(ctx, cancelled, ctx.member, ctx.lot, { id: 'cancel', at: event.at }, []);
}

/** Reverses points in proportion to the refunded eligible amount. `null` for a refund seen before. */
export function applyRefund(ctx: OrderContext, event: RefundCreated): Change | null {
  const order = ctx.order ?? newOrder(ctx.shop, event.orderId);
  if (order.refunds[event.refundId]) return null;
  // Lines name their currency in `subtotal_set`; plain amounts are in the shop's currency, which
  // the paid order tells. Before it is paid the lines wait, as written, for the payment.
  const currency = event.currency ?? order.paid?.currency;
  const refunded: Order = {
    ...order,
    refunds: { ...order.refunds, [event.refundId]: currency ? { at: event.at, ...refundMinor({ at: event.at, lines: event.lines }, currency) } : { at: event.at, lines: event.lines } },
  };
  return settle(ctx, refunded, ctx.member, ctx.lot, { id: `refund:${event.refundId}`, at: event.at, refundId: event.refundId }, []);
}

/** A refund's amounts in minor units of `currency`: read on arrival, or from its waiting lines. */
export function refundMinor(refund: OrderRefund, currency: string): { subtotalMinor: number; taxMinor: number } {
  if (!refund.lines) return { subtotalMinor: refund.subtotalMinor ?? 0, taxMinor: refund.taxMinor ?? 0 };
  let subtotalMinor = 0;
  let taxMinor = 0;
  for (const line of refund.lines) {
    subtotalMinor += Math.max(0, toMinorUnits(line.subtotal, currency));
    taxMinor += Math.max(0, toMinorUnits(line.tax, currency));
  }
  return { subtotalMinor, taxMinor };
}

/** The eligible amount of one refund: its subtotal, less its tax where prices include tax. */
function refundEligible(refund: OrderRefund, paid: NonNullable<Order['paid']>): number {
  const { subtotalMinor, taxMinor } = refundMinor(refund, paid.currency);
  return Math.max(0, subtotalMinor - (paid.taxesIncluded ? taxMinor : 0));
}

/** Eligible amount refunded so far (nothing before the payment tells the currency and taxes). */
export function refundedEligible(order: Order): number {
  const paid = order.paid;
  if (!paid) return 0;
  return Object.values(order.refunds).reduce((sum, refund) => sum + refundEligible(refund, paid), 0);
}

/** The refunds and cancellation recorded before the payment, by date, each with the total reversed after it. */
function priorReversals(order: Order, paid: NonNullable<Order['paid']>): (Cause & { target: number })[] {
  const events = [
    ...Object.entries(order.refunds).map(([refundId, refund]) => ({ id: `refund:${refundId}`, at: refund.at, refundId, refund })),
    ...(order.cancelledAt ? [{ id: 'cancel', at: order.cancelledAt, refundId: undefined, refund: undefined }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  let refunded = 0;
  let cancelled = false;
  return events.map((event) => {
    if (event.refund) refunded += refundEligible(event.refund, paid);
    else cancelled = true;
    const target = cancelled ? paid.points : proportionOf(paid.points, Math.min(refunded, paid.eligibleMinor), paid.eligibleMinor);
    return { id: event.id, at: event.at, ...(event.refundId ? { refundId: event.refundId } : {}), target };
  });
}

interface Cause {
  id: string;
  at: string;
  refundId?: string;
}

/**
 * Brings the member in line with the order's facts: reversal and tier spend. A reversal takes the
 * points back from the order's own lot; if the member already spent them, the balance goes
 * negative and later earnings pay it back.
 */
export function settle(ctx: OrderContext, order: Order, member: Member | undefined, lot: Lot | undefined, cause: Cause, earlier: LedgerEntry[]): Change {
  const paid = order.paid;
  if (!paid || !member) return { order, lots: [], entries: earlier };

  const refunded = Math.min(paid.eligibleMinor, refundedEligible(order));
  const reversedTarget = order.cancelledAt ? paid.points : proportionOf(paid.points, refunded, paid.eligibleMinor);
  const spendTarget = order.cancelledAt ? 0 : paid.eligibleMinor - refunded;

  let next: Member = member;
  let changedLot = earlier.length > 0 ? lot : undefined;
  const entries = [...earlier];
  // A payment that arrives after its refunds or cancellation reverses them one by one, by their
  // own dates, exactly as delivery in order would have.
  const steps = cause.id === 'paid' ? priorReversals(order, paid) : [{ ...cause, target: reversedTarget }];
  let reversedSoFar = order.reversedPoints;
  for (const step of steps) {
    const reversal = step.target - reversedSoFar;
    if (reversal <= 0) continue;
    reversedSoFar = step.target;
    // Pending points go first from pending. Points that already expired are not taken twice: only
    // what exceeds them leaves the balance, and is taken from the spendable lots as spent points are.
    let fromBalance = reversal;
    let fromPending = 0;
    const current = changedLot ?? lot;
    if (current) {
      changedLot = { ...current, points: Math.max(0, current.points - reversal) };
      if (current.pendingUntil) {
        fromPending = Math.min(reversal, current.points);
        fromBalance -= fromPending;
      } else if (current.settledAt) {
        const fromExpired = Math.min(reversal, current.expired ?? 0);
        changedLot = { ...changedLot, expired: (current.expired ?? 0) - fromExpired };
        fromBalance -= fromExpired;
        next = { ...next, consumed: next.consumed + fromBalance };
      }
    }
    next = { ...next, balance: next.balance - fromBalance, pending: next.pending - fromPending };
    const points = fromBalance + fromPending;
    if (points === 0) continue;
    entries.push({
      id: `reverse:${order.orderId}:${step.id}`,
      type: 'reverse',
      points: -points,
      occurredAt: step.at,
      recordedAt: ctx.now.toISOString(),
      balanceAfter: next.balance,
      orderId: order.orderId,
      ...(step.refundId ? { refundId: step.refundId } : {}),
    });
  }
  next = withOrderSpend(next, order, paid, spendTarget, ctx);
  // A cancellation of a paid order takes it out of the member's orders (a payment delivered after
  // its cancellation never counted it).
  if (cause.id === 'cancel' && ctx.order?.paid) next = withoutOrderStats(next, paid.at, ctx.program);
  // The lifecycle stage (docs/lifecycle.md), from the order history as it now stands.
  next = withStage(next, ctx.program);
  const reward = tierReward(ctx, next, paid.currency, order);
  return {
    member: reward?.member ?? next,
    order: { ...order, reversedPoints: Math.max(order.reversedPoints, reversedTarget), spendCounted: spendTarget },
    lots: changedLot ? [changedLot] : [],
    entries,
    ...(reward?.coupon ? { coupons: [reward.coupon] } : {}),
  };
}

/**
 * Records what the order now adds to the member's tier spend (nothing once cancelled, but it stays
 * to be re-rated like the others) and the multiplier it was rated with, then the member's tier as of the latest instant seen. Far-future
 * dates do not move that instant past a day from now, so they cannot push real spend out of the
 * window.
 */
function withOrderSpend(member: Member, order: Order, paid: NonNullable<Order['paid']>, spendTarget: number, ctx: OrderContext): Member {
  const spendByOrder = { ...member.spendByOrder };
  spendByOrder[order.orderId] = { at: paid.at, minor: spendTarget, multiplier: paid.multiplier, ...(order.cancelledAt ? { cancelled: true as const } : {}), ...(paid.imported ? { imported: true as const } : {}) };
  const asOf = latest(member.tierAsOf, boundedByNow(paid.at, ctx.now));
  return withTier({ ...member, spendByOrder: pruneSpend(spendByOrder, asOf) }, asOf, ctx.program, paid.currency);
}

/**
 * Reaching a tier with a reward grants its coupon, once per tier. Imported history that earns no
 * points puts the member in their tier without one: the tier counts as rewarded, so installing the
 * app never sends coupons to a year of past customers, nor later for a tier they already held.
 */
function tierReward(ctx: OrderContext, member: Member, currency: string, order: Order): { member: Member; coupon?: Coupon } | undefined {
  const tier = ctx.program.tiers.find((candidate) => candidate.name === member.tier);
  if (!tier?.rewardId || !ctx.couponCode || member.tierRewards?.includes(tier.name)) return undefined;
  const reward = ctx.program.rewards.find((candidate) => candidate.id === tier.rewardId);
  if (!reward) return undefined;
  if (order.paid?.imported && ctx.program.history?.importedOrdersEarnPoints !== true) return { member: { ...member, tierRewards: [...(member.tierRewards ?? []), tier.name] } };
  const coupon = newCoupon({ shop: ctx.shop, program: ctx.program, currency }, member.customerId, reward, reward.kind === 'store_credit' ? randomCreditReference() : ctx.couponCode(), ctx.now, 'tier');
  return { member: { ...member, tierRewards: [...(member.tierRewards ?? []), tier.name] }, coupon };
}
