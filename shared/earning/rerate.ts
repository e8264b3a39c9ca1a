/**
 * Re-rating: an order's tier multiplier comes from the spend of the 365 days before its instant.
 * When a change moves that spend (a late, earlier order; a refund or cancellation of one), the
 * later orders it reaches are rated again, so the final state is the one in-order delivery gives.
 * Each re-rated order keeps its earning rate and refunds; only the multiplier changes, and the
 * difference moves its lot and the balance (or the pending points) by a `rerate` ledger entry.
 */
import { pointsForSpend, proportionOf } from '../ledger/points.ts';
import { ratingsChangedAfter } from '../ledger/spend.ts';
import type { LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import { tierForSpend } from '../program/tiers.ts';
import type { Change } from './change.ts';
import { refundedEligible } from './orders.ts';

/** At most this many orders are re-rated by one change, so one transaction holds them all. */
export const MAX_RERATES_PER_CHANGE = 20;

export interface Rerating {
  orderId: string;
  tier: string;
  multiplier: number;
}

/** The later orders whose rating the change moves: they must be read and passed to `withRerates`. */
export function ratingsToRedo(change: Change, program: Program): Rerating[] {
  const member = change.member;
  const paid = change.order?.paid;
  if (!member || !paid) return [];
  const tiers = new Map<number, string>();
  const changed = ratingsChangedAfter(member.spendByOrder, paid.at, (spend) => {
    const tier = tierForSpend(program, spend, paid.currency);
    tiers.set(tier.multiplier, tier.name);
    return tier.multiplier;
  });
  return changed.slice(0, MAX_RERATES_PER_CHANGE).map(({ orderId, multiplier }) => ({ orderId, multiplier, tier: tiers.get(multiplier)! }));
}

export interface RerateContext {
  program: Program;
  now: Date;
  /** The business instant of the change that caused the re-rating. */
  at: string;
}

/**
 * Adds the re-rating of `orders` (as read, with their lots) to the change. An order whose lot has
 * already expired keeps its points and only records its new rating in the member's tier spend.
 */
export function withRerates(ctx: RerateContext, change: Change, rerates: Rerating[], orders: Order[], lots: Lot[]): Change {
  let member = change.member!;
  const changedOrders: Order[] = [];
  const changedLots: Lot[] = [];
  const entries: LedgerEntry[] = [];
  for (const rerate of rerates) {
    const order = orders.find((candidate) => candidate.orderId === rerate.orderId);
    const paid = order?.paid;
    const kept = member.spendByOrder[rerate.orderId];
    if (!order || !paid || !kept) continue;
    member = { ...member, spendByOrder: { ...member.spendByOrder, [rerate.orderId]: { ...kept, multiplier: rerate.multiplier } } };
    const lot = lots.find((candidate) => candidate.orderId === rerate.orderId);
    // A campaign's bonus was decided at payment and stays (docs/campaigns.md); only the tier's share moves.
    const points = pointsForSpend(paid.eligibleMinor, paid.currency, paid.pointsPerUnit ?? ctx.program.earning.pointsPerUnit, rerate.multiplier) + (paid.campaign?.points ?? 0);
    const refunded = Math.min(paid.eligibleMinor, refundedEligible(order));
    const reversed = order.cancelledAt ? points : proportionOf(points, refunded, paid.eligibleMinor);
    // Points of an expired lot can no longer be spent or taken back: only the rating is kept.
    if (!lot || lot.settledAt !== undefined) continue;
    const delta = points - reversed - (paid.points - order.reversedPoints);
    changedOrders.push({ ...order, paid: { ...paid, tier: rerate.tier, multiplier: rerate.multiplier, points }, reversedPoints: reversed });
    member = { ...member, lifetimeEarned: member.lifetimeEarned + points - paid.points };
    if (delta === 0) continue;
    changedLots.push({ ...lot, points: lot.points + delta });
    member = lot.pendingUntil ? { ...member, pending: member.pending + delta } : { ...member, balance: member.balance + delta };
    entries.push({
      id: `rerate:${order.orderId}:${order.rev + 1}`,
      type: 'rerate',
      points: delta,
      occurredAt: ctx.at,
      recordedAt: ctx.now.toISOString(),
      balanceAfter: member.balance,
      orderId: order.orderId,
      reason: `${rerate.tier} rate`,
      ...(lot.pendingUntil ? { pendingUntil: lot.pendingUntil } : {}),
    });
  }
  return {
    ...change,
    member,
    orders: [...(change.orders ?? []), ...changedOrders],
    lots: [...change.lots, ...changedLots],
    entries: [...change.entries, ...entries],
  };
}
