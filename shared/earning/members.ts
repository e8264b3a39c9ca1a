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
    pending: 0,
    lifetimeEarned: 0,
    spendByDay: {},
    tier: program.tiers[0]!.name,
    tierAsOf: utcDay(enrolledAt),
    contact: {},
    rev: 0,
  };
}

/**
 * Adds a new lot's points to the balance. A negative balance (points reversed after they were
 * spent) is paid back first, so that the lots always add up to what can be spent.
 */
export function credit(member: Member, lot: Lot): { member: Member; lot: Lot } {
  const debt = Math.max(0, -member.balance);
  return {
    member: { ...member, balance: member.balance + lot.points, lifetimeEarned: member.lifetimeEarned + lot.points },
    lot: { ...lot, remaining: lot.points - Math.min(lot.points, debt) },
  };
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
