/** A member's balance, tier and contact data as events change them. */
import { spendUpTo } from '../ledger/spend.ts';
import type { Contact, Lot, Member } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import { tierForSpend } from '../program/tiers.ts';

export function newMember(shop: string, customerId: string, enrolledAt: string, program: Program): Member {
  return {
    shop,
    customerId,
    enrolledAt,
    balance: 0,
    consumed: 0,
    pending: 0,
    lifetimeEarned: 0,
    spendByOrder: {},
    tier: program.tiers[0]!.name,
    tierAsOf: enrolledAt,
    contact: {},
    rev: 0,
  };
}

/** Adds a new lot's points to the balance (paying back a negative balance first, by arithmetic). */
export function credit(member: Member, lot: Lot): Member {
  return { ...member, balance: member.balance + lot.points, lifetimeEarned: member.lifetimeEarned + lot.points };
}

/** Recomputes the stored tier at the latest business instant seen (`asOf` or the member's own). */
export function withTier(member: Member, asOf: string, program: Program, currency: string): Member {
  const at = asOf > member.tierAsOf ? asOf : member.tierAsOf;
  const tier = tierForSpend(program, spendUpTo(member.spendByOrder, at), currency);
  return { ...member, tier: tier.name, tierAsOf: at };
}

/** Contact data from a customer payload, unless the member already has newer data. */
export function withContact(member: Member, contact: Contact): Member | null {
  const known = member.contact.updatedAt;
  if (known && contact.updatedAt && contact.updatedAt <= known) return null;
  return { ...member, contact: { ...contact } };
}

const DAY = 86_400_000;

/** The member was active at `at` (an order, a redemption): the latest activity is kept. */
export function withActivity(member: Member, at: string): Member {
  return member.lastActiveAt && member.lastActiveAt >= at ? member : { ...member, lastActiveAt: at };
}

/**
 * Counts a paid order into the member's order history and works out when the member will count
 * as fading: the last order plus `factor` times their usual interval between orders (at least a
 * day), once they have `minOrders` orders.
 */
export function withOrderStats(member: Member, at: string, program: Program): Member {
  const orderCount = (member.orderCount ?? 0) + 1;
  const firstOrderAt = member.firstOrderAt && member.firstOrderAt < at ? member.firstOrderAt : at;
  const lastOrderAt = member.lastOrderAt && member.lastOrderAt > at ? member.lastOrderAt : at;
  return withLapse({ ...member, orderCount, firstOrderAt, lastOrderAt }, program);
}

/**
 * Takes a cancelled order (paid before, so counted) out of the order history, after it left the
 * tier history: the last order date comes back from the orders still kept there (and the first,
 * where they are all still kept).
 */
export function withoutOrderStats(member: Member, at: string, program: Program): Member {
  const orderCount = Math.max(0, (member.orderCount ?? 0) - 1);
  const { firstOrderAt: _first, lastOrderAt: _last, orderCount: _count, ...rest } = member;
  // No orders left: the member reads as one who never ordered, whichever came first.
  if (orderCount === 0) return withLapse(rest, program);
  const kept = Object.values(member.spendByOrder).flatMap((entry) => (entry.cancelled ? [] : [entry.at])).sort();
  let { firstOrderAt, lastOrderAt } = member;
  if (firstOrderAt === at && kept.length === orderCount) firstOrderAt = kept[0];
  if (lastOrderAt === at) lastOrderAt = kept[kept.length - 1];
  return withLapse({ ...rest, orderCount, ...(firstOrderAt ? { firstOrderAt } : {}), ...(lastOrderAt ? { lastOrderAt } : {}) }, program);
}

function withLapse(member: Member, program: Program): Member {
  const { factor, minOrders } = program.winback;
  const { lapseAt: _old, ...rest } = member;
  const { orderCount = 0, firstOrderAt, lastOrderAt } = member;
  if (orderCount < minOrders || !firstOrderAt || !lastOrderAt) return rest;
  const interval = Math.max(DAY, (Date.parse(lastOrderAt) - Date.parse(firstOrderAt)) / Math.max(1, orderCount - 1));
  return { ...rest, lapseAt: new Date(Date.parse(lastOrderAt) + factor * interval).toISOString() };
}
