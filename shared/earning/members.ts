/** A member's balance, tier and contact data as events change them. */
import { utcDay } from '../clock.ts';
import { spendInWindow } from '../ledger/spend.ts';
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
    spendByDay: {},
    tier: program.tiers[0]!.name,
    tierAsOf: utcDay(enrolledAt),
    contact: {},
    rev: 0,
  };
}

/** Adds a new lot's points to the balance (paying back a negative balance first, by arithmetic). */
export function credit(member: Member, lot: Lot): Member {
  return { ...member, balance: member.balance + lot.points, lifetimeEarned: member.lifetimeEarned + lot.points };
}

/** Recomputes the stored tier at the latest business day seen, after spend changed on `day`. */
export function withTier(member: Member, day: string, program: Program, currency: string): Member {
  const asOf = day > member.tierAsOf ? day : member.tierAsOf;
  const tier = tierForSpend(program, spendInWindow(member.spendByDay, asOf), currency);
  return { ...member, tier: tier.name, tierAsOf: asOf };
}

/** Contact data from a customer payload, unless the member already has newer data. */
export function withContact(member: Member, contact: Contact): Member | null {
  const known = member.contact.updatedAt;
  if (known && contact.updatedAt && contact.updatedAt <= known) return null;
  return { ...member, contact: { ...contact } };
}

const DAY = 86_400_000;

/**
 * Counts a paid order into the member's order history and works out when the member will count
 * as fading: the last order plus `factor` times their usual interval between orders (at least a
 * day), once they have `minOrders` orders.
 */
export function withOrderStats(member: Member, at: string, program: Program): Member {
  const orderCount = (member.orderCount ?? 0) + 1;
  const firstOrderAt = member.firstOrderAt && member.firstOrderAt < at ? member.firstOrderAt : at;
  const lastOrderAt = member.lastOrderAt && member.lastOrderAt > at ? member.lastOrderAt : at;
  const { factor, minOrders } = program.winback;
  let lapseAt: string | undefined;
  if (orderCount >= minOrders) {
    const interval = Math.max(DAY, (Date.parse(lastOrderAt) - Date.parse(firstOrderAt)) / (orderCount - 1));
    lapseAt = new Date(Date.parse(lastOrderAt) + factor * interval).toISOString();
  }
  const { lapseAt: _old, ...rest } = member;
  return { ...rest, orderCount, firstOrderAt, lastOrderAt, ...(lapseAt ? { lapseAt } : {}) };
}
