/**
 * Settling a referral whose friend's order is past its hold, pure: `void` when the order was
 * cancelled or refunded whole, `blocked` (with its reasons) when a fraud rule holds, else
 * `completed` with the advocate's points: a lot of the program's `advocatePoints` and its ledger
 * entry, both keyed by the referral so they are written once. Approving a blocked referral pays
 * the same way; cancelling one pays nothing.
 */
import { addDays } from '../clock.ts';
import type { LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import { credit, newMember } from '../earning/members.ts';
import { fraudReasons, type AdvocateFacts, type OriginFacts } from './fraud.ts';
import { referralSettings, type Referral } from './referral.ts';

export interface Settlement {
  referral: Referral;
  /** The advocate's points, when it completes. */
  credit?: { member: Member; lot: Lot; entry: LedgerEntry };
}

/** Whether the friend's order no longer stands: cancelled, or its lines refunded whole. */
export function orderUndone(order: Order | undefined): string | undefined {
  if (!order) return undefined;
  if (order.cancelledAt) return 'order-cancelled';
  const paid = order.paid;
  if (!paid) return undefined;
  const refunded = Object.values(order.refunds).reduce((sum, refund) => sum + (refund.subtotalMinor ?? 0), 0);
  const bought = paid.subtotalMinor - (paid.giftCardMinor ?? 0);
  return bought > 0 && refunded >= bought ? 'order-refunded' : undefined;
}

export interface SettleInput {
  referral: Referral;
  program: Program;
  /** The friend's order as stored (none for a guest's order the service keeps no record of). */
  order?: Order;
  /** The advocate as a member, if enrolled. */
  advocate?: Member;
  /** The advocate's other referrals (their orders' origins count toward the same-origin rule). */
  others: Referral[];
  now: Date;
}

export function settleDueReferral(input: SettleInput): Settlement {
  const { referral, now } = input;
  const settled = { settledAt: now.toISOString(), settledBy: 'job' };
  const undone = orderUndone(input.order);
  if (undone) return { referral: { ...referral, ...settled, status: 'void', note: undone } };
  const order = referral.order!;
  const advocate = input.advocate;
  const name = [advocate?.contact.firstName, advocate?.contact.lastName].filter(Boolean).join(' ');
  const facts: AdvocateFacts = { customerId: referral.advocateId, ...(advocate?.contact.email ? { email: advocate.contact.email } : {}), ...(name ? { name } : {}) };
  const others: OriginFacts[] = input.others
    .filter((other) => other.id !== referral.id && other.order && other.status !== 'void' && other.status !== 'cancelled')
    .map((other) => ({ at: other.order!.at, ...(other.order!.ipKey ? { ipKey: other.order!.ipKey } : {}), ...(other.order!.addressKey ? { addressKey: other.order!.addressKey } : {}) }));
  const reasons = fraudReasons(
    facts,
    {
      ...(order.customerId ? { customerId: order.customerId } : referral.friendCustomerId ? { customerId: referral.friendCustomerId } : {}),
      emails: [referral.friendEmail, order.email],
      ...(order.name ? { name: order.name } : {}),
      priorOrders: order.priorOrders,
      ...(order.ipKey ? { ipKey: order.ipKey } : {}),
      ...(order.addressKey ? { addressKey: order.addressKey } : {}),
      at: order.at,
    },
    others,
    referralSettings(input.program).sameOriginLimit,
  );
  if (reasons.length) return { referral: { ...referral, ...settled, status: 'blocked', reasons } };
  return paid({ ...referral, ...settled }, input.program, advocate, now);
}

/** The store owner approves a blocked referral: the advocate is paid as if it had passed. */
export function approveReferral(referral: Referral, program: Program, advocate: Member | undefined, staff: string, now: Date): Settlement {
  return paid({ ...referral, settledAt: now.toISOString(), settledBy: staff }, program, advocate, now);
}

/** The store owner cancels a blocked referral: no points. */
export function cancelReferral(referral: Referral, staff: string, now: Date): Settlement {
  return { referral: { ...referral, status: 'cancelled', settledAt: now.toISOString(), settledBy: staff } };
}

function paid(referral: Referral, program: Program, advocate: Member | undefined, now: Date): Settlement {
  const points = referralSettings(program).advocatePoints;
  const completed: Referral = { ...referral, status: 'completed', points };
  if (points === 0) return { referral: completed };
  const at = now.toISOString();
  const member = advocate ?? newMember(referral.shop, referral.advocateId, at, program);
  const lot: Lot = { id: `referral:${referral.id}`, source: 'referral', earnedAt: at, expiresAt: addDays(now, program.expiry.days).toISOString(), points };
  const next = credit(member, lot);
  const entry: LedgerEntry = { id: `referral:${referral.id}`, type: 'bonus', points, occurredAt: at, recordedAt: at, balanceAfter: next.balance, reason: 'referral' };
  return { referral: completed, credit: { member: next, lot, entry } };
}
