/**
 * Manual adjustments by the store's staff, with a reason and the staff member recorded. Points
 * added are a new lot (expiring like any earning); points taken are taken as a redemption is,
 * oldest first, and never below zero.
 */
import { addDays } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import { credit, newMember } from '../earning/members.ts';
import type { Member } from '../ledger/types.ts';
import type { Shop } from '../store/ports.ts';
import { AdjustmentBelowZeroError } from './errors.ts';

export interface Adjustment {
  points: number;
  reason: string;
  userId: string;
}

export function adjustPoints(ctx: { shop: Shop; customerId: string; member?: Member; now: Date; id: string }, adjustment: Adjustment): Change {
  const at = ctx.now.toISOString();
  const member = ctx.member ?? newMember(ctx.shop.shop, ctx.customerId, at, ctx.shop.program);
  const entry = { id: `adjust:${ctx.id}`, type: 'adjust' as const, occurredAt: at, recordedAt: at, reason: adjustment.reason, adjustedBy: adjustment.userId };
  if (adjustment.points > 0) {
    const lot = { id: `adjust:${ctx.id}`, source: 'adjust' as const, earnedAt: at, expiresAt: addDays(ctx.now, ctx.shop.program.expiry.days).toISOString(), points: adjustment.points };
    const next = credit(member, lot);
    return { member: next, lots: [lot], entries: [{ ...entry, points: adjustment.points, balanceAfter: next.balance }] };
  }
  const taken = -adjustment.points;
  if (member.balance < taken) throw new AdjustmentBelowZeroError(member.balance, taken);
  const next = { ...member, balance: member.balance - taken, consumed: member.consumed + taken };
  return { member: next, lots: [], entries: [{ ...entry, points: -taken, balanceAfter: next.balance }], memberMinBalance: taken };
}
