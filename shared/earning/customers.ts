/** Customers: creation enrolls with the signup bonus, updates keep contact data current. */
import { addDays } from '../clock.ts';
import type { Member } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import type { Change } from './change.ts';
import type { CustomerCreated, CustomerUpdated } from './events.ts';
import { credit, newMember, withContact } from './members.ts';

export interface CustomerContext {
  shop: string;
  program: Program;
  member?: Member;
  now: Date;
}

export const SIGNUP_LOT_ID = 'bonus:signup';

/**
 * Enrolls the customer and grants the signup bonus once. A customer first enrolled by an order
 * (its `customers/create` delivered late) still gets the bonus, as in-order delivery would give.
 */
export function applyCustomerCreated(ctx: CustomerContext, event: CustomerCreated): Change | null {
  const stored = ctx.member;
  let member = stored ?? newMember(ctx.shop, event.customerId, event.createdAt, ctx.program);
  let changed = !stored;
  const contacted = withContact(member, event.contact);
  if (contacted) [member, changed] = [contacted, true];
  if (member.enrolledAt > event.createdAt) [member, changed] = [{ ...member, enrolledAt: event.createdAt }, true];

  const bonus = ctx.program.signupBonus;
  if (member.signupBonusAt || bonus === 0) return changed ? { member, lots: [], entries: [] } : null;
  const lot = {
    id: SIGNUP_LOT_ID,
    source: 'bonus' as const,
    earnedAt: event.createdAt,
    expiresAt: addDays(event.createdAt, ctx.program.expiry.days).toISOString(),
    points: bonus,
  };
  const next = { ...credit(member, lot), signupBonusAt: event.createdAt };
  return {
    member: next,
    lots: [lot],
    entries: [
      {
        id: 'bonus:signup',
        type: 'bonus',
        points: bonus,
        occurredAt: event.createdAt,
        recordedAt: ctx.now.toISOString(),
        balanceAfter: next.balance,
        reason: 'signup',
      },
    ],
  };
}

/** Updates contact data and marketing consent; enrolls a customer the service has not seen. */
export function applyCustomerUpdated(ctx: CustomerContext, event: CustomerUpdated): Change | null {
  const member = ctx.member ?? newMember(ctx.shop, event.customerId, event.createdAt, ctx.program);
  const contacted = withContact(member, event.contact);
  if (contacted) return { member: contacted, lots: [], entries: [] };
  return ctx.member ? null : { member, lots: [], entries: [] };
}
