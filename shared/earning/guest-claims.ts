/**
 * Guest claims: a guest order (no customer) with an email records its points, at the base tier,
 * to wait `guests.claimDays` days for a customer account with the same verified email. The order
 * item is written as any order's (its refunds and cancellation keep arriving on it); the claim is
 * a pointer to it under the email's hash. On `customers/create` with that verified email, each
 * claim still open becomes the new member's order: lot and ledger entry dated at the order, then
 * settled from the order's facts exactly as a member's order is (refunds and cancellation that came
 * before the claim reverse, by their own dates). A claimed order names its member, and its claim is
 * marked claimed in the same transaction, so a redelivery grants nothing twice.
 */
import { createHash } from 'node:crypto';
import { addDays } from '../clock.ts';
import { pointsForSpend } from '../ledger/points.ts';
import type { GuestClaim, LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import type { Change } from './change.ts';
import { CurrencyMismatchError } from './errors.ts';
import type { CustomerCreated, OrderPaid } from './events.ts';
import { credit, newMember, withActivity, withOrderStats } from './members.ts';
import { eligibleMinorOf, newOrder, orderLotId, settle, withPayment, type OrderContext } from './orders.ts';

export const DEFAULT_GUEST_CLAIM_DAYS = 30;
/** The most claims one `customers/create` takes (the oldest open first): its transaction stays bounded. */
export const MAX_CLAIMS_PER_EMAIL = 25;

export const guestClaimDays = (program: Program): number => program.guests?.claimDays ?? DEFAULT_GUEST_CLAIM_DAYS;

/** The key an email is known by: SHA-256 of it trimmed and lower-cased. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * A guest order paid: the order, paid at the base tier, and its claim. `null` for a member's order,
 * one without email, one seen paid before, imported history, or when the program's claims are off.
 */
export function recordGuestOrder(ctx: OrderContext, event: OrderPaid): Change | null {
  const claimDays = guestClaimDays(ctx.program);
  if (event.customerId || !event.guestEmail?.trim() || claimDays === 0 || event.imported) return null;
  const order = ctx.order ?? newOrder(ctx.shop, event.orderId);
  if (order.paid) return null;
  if (ctx.currency && event.currency !== ctx.currency) throw new CurrencyMismatchError(event.orderId, event.currency, ctx.currency);
  const eligibleMinor = eligibleMinorOf(event);
  const tier = ctx.program.tiers[0]!;
  const { pointsPerUnit } = ctx.program.earning;
  const points = pointsForSpend(eligibleMinor, event.currency, pointsPerUnit, tier.multiplier);
  const paidOrder = withPayment(order, event, { eligibleMinor, points, pointsPerUnit, tier });
  const guestClaim: GuestClaim = {
    shop: ctx.shop,
    emailHash: emailHash(event.guestEmail),
    orderId: event.orderId,
    at: event.at,
    currency: event.currency,
    points,
    claimUntil: addDays(event.at, claimDays).toISOString(),
  };
  return { order: paidOrder, lots: [], entries: [], ...(points > 0 ? { guestClaim } : {}) };
}

/** The open claims of the new customer's verified email and their orders: read only when there may be some. */
export async function readGuestClaims(store: LoyaltyStore, shop: string, program: Program, event: CustomerCreated): Promise<{ claims: GuestClaim[]; orders: Order[] }> {
  const email = event.contact.email?.trim();
  if (!event.verifiedEmail || !email || guestClaimDays(program) === 0) return { claims: [], orders: [] };
  const claims = await store.openGuestClaims(shop, emailHash(email), MAX_CLAIMS_PER_EMAIL);
  return { claims, orders: claims.length ? await store.getOrders(shop, claims.map((claim) => claim.orderId)) : [] };
}

export interface ClaimContext {
  shop: string;
  program: Program;
  now: Date;
  /** The member as stored, if any. */
  member?: Member;
  claims: GuestClaim[];
  orders: Order[];
}

/**
 * Adds the claims still open on `event.createdAt` (the customer's own date) to the change that
 * enrolls the customer: each order becomes theirs, with its lot and entries. Claims past their
 * end, or whose order is someone's already, are left alone.
 */
export function claimGuestOrders(ctx: ClaimContext, event: CustomerCreated, change: Change | null): Change | null {
  const open = ctx.claims
    .filter((claim) => claim.claimUntil >= event.createdAt)
    .flatMap((claim) => {
      const order = ctx.orders.find((candidate) => candidate.orderId === claim.orderId);
      return order?.paid && !order.customerId ? [{ claim, order }] : [];
    })
    .sort((a, b) => a.claim.at.localeCompare(b.claim.at));
  if (open.length === 0) return change;
  let member = change?.member ?? ctx.member ?? newMember(ctx.shop, event.customerId, event.createdAt, ctx.program);
  const orders: Order[] = [];
  const lots: Lot[] = [];
  const entries: LedgerEntry[] = [];
  const orderCtx: OrderContext = { shop: ctx.shop, program: ctx.program, now: ctx.now };
  for (const { order, claim } of open) {
    const paid = order.paid!;
    const pendingUntil = ctx.program.pendingDays > 0 ? addDays(paid.at, ctx.program.pendingDays).toISOString() : undefined;
    const pending = pendingUntil !== undefined && pendingUntil > ctx.now.toISOString();
    const lot: Lot = {
      id: orderLotId(order.orderId),
      source: 'order',
      orderId: order.orderId,
      earnedAt: paid.at,
      expiresAt: addDays(paid.at, ctx.program.expiry.days).toISOString(),
      points: paid.points,
      ...(pending ? { pendingUntil } : {}),
    };
    const counted = withActivity(order.cancelledAt ? member : withOrderStats(member, paid.at, ctx.program), paid.at);
    const earned = pending ? { ...counted, pending: counted.pending + paid.points, lifetimeEarned: counted.lifetimeEarned + paid.points } : credit(counted, lot);
    const entry: LedgerEntry = {
      id: `earn:${order.orderId}`,
      type: 'earn',
      points: paid.points,
      occurredAt: paid.at,
      recordedAt: ctx.now.toISOString(),
      balanceAfter: earned.balance,
      orderId: order.orderId,
      reason: 'guest-order-claimed',
      ...(pending ? { pendingUntil } : {}),
    };
    // The order's facts (refunds, cancellation) settle it now, by their own dates.
    const settled = settle({ ...orderCtx, ...(claim.currency ? { currency: claim.currency } : {}) }, { ...order, customerId: member.customerId }, earned, lot, { id: 'paid', at: paid.at }, [entry]);
    member = settled.member ?? earned;
    if (settled.order) orders.push(settled.order);
    lots.push(...settled.lots);
    entries.push(...settled.entries);
  }
  return {
    ...(change ?? { lots: [], entries: [] }),
    member,
    orders: [...(change?.orders ?? []), ...orders],
    lots: [...(change?.lots ?? []), ...lots],
    entries: [...(change?.entries ?? []), ...entries],
    claimedGuestOrders: open.map(({ claim }) => claim),
  };
}
