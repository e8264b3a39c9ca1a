/**
 * Expiry, pure: lots past their date give up what is left in them. The expire job settles them
 * through the expiry index; a redemption settles the member's own first, so a point past its date
 * is never spent, even before the job reaches it.
 */
import type { Change } from '../earning/change.ts';
import { lotStandings } from './lots.ts';
import type { Lot, Member } from './types.ts';

/** Lots settled in one transaction, well inside DynamoDB's 100 items. */
export const MAX_LOTS_PER_SETTLEMENT = 80;

/** Settles the member's lots that expired by `now`, oldest first. `null` when none are due. */
export function settleExpired(member: Member, lots: readonly Lot[], now: Date): Change | null {
  const at = now.toISOString();
  // What is left in each lot follows from `consumed`, taken oldest first; the due lots are a prefix.
  const due = lotStandings(lots, member.consumed)
    .filter(({ lot }) => lot.expiresAt <= at)
    .slice(0, MAX_LOTS_PER_SETTLEMENT);
  if (due.length === 0) return null;
  const expired = due.reduce((sum, { remaining }) => sum + remaining, 0);
  const consumedFromDue = due.reduce((sum, { lot, remaining }) => sum + lot.points - remaining, 0);
  const next: Member = { ...member, consumed: member.consumed - consumedFromDue, balance: member.balance - expired };
  const last = due.at(-1)!.lot;
  return {
    member: next,
    lots: due.map(({ lot, remaining }) => ({ ...lot, settledAt: at, expired: remaining })),
    entries:
      expired > 0
        ? [{ id: `expire:${last.id}`, type: 'expire', points: -expired, occurredAt: last.expiresAt, recordedAt: at, balanceAfter: next.balance }]
        : [],
  };
}
