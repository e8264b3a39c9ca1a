/**
 * The program's figures, kept up to date as events happen: each change carries the counter
 * updates it causes, written in the same transaction. Per-day counters (and sets of the day's
 * orders and active members) make any date range a sum; gauges hold the totals of now (members,
 * tiers, liability). Each is spread over a few items by customer, so no item is hot.
 */
import { utcDay } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import type { Member, Order } from '../ledger/types.ts';
import type { Feedback, StatsBucket, StatsUpdate } from './stats-types.ts';

export type { Feedback, StatsBucket, StatsUpdate } from './stats-types.ts';

const isFading = (member: Member | undefined) => member?.fading !== undefined && member.fading.lastOrderAt === member.lastOrderAt;

/** An order's reference in a day's set: who, which order, when (epoch minutes), for repeat figures. */
export const orderRef = (customerId: string, order: Order) => `${customerId}:${order.orderId}:${Math.floor(Date.parse(order.paid!.at) / 60_000)}`;

class Updates {
  private readonly byBucket = new Map<string, StatsUpdate>();
  constructor(private readonly shardKey: string) {}

  private get(bucket: StatsBucket): StatsUpdate {
    const name = bucket.kind === 'day' ? bucket.day : 'gauge';
    let update = this.byBucket.get(name);
    if (!update) this.byBucket.set(name, (update = { bucket, shardKey: this.shardKey, add: {} }));
    return update;
  }

  add(bucket: StatsBucket, counter: string, by: number) {
    if (by === 0) return;
    const update = this.get(bucket);
    update.add[counter] = (update.add[counter] ?? 0) + by;
  }

  set(bucket: StatsBucket, name: string, value: string, remove = false) {
    const update = this.get(bucket);
    const sets = remove ? (update.removeFromSet ??= {}) : (update.addToSet ??= {});
    (sets[name] ??= []).push(value);
  }

  list(): StatsUpdate[] {
    return [...this.byBucket.values()].filter((u) => Object.keys(u.add).length || u.addToSet || u.removeFromSet);
  }
}

const day = (at: string): StatsBucket => ({ kind: 'day', day: utcDay(at) });
const GAUGE: StatsBucket = { kind: 'gauge' };

/** The figures a change moves, given the member and order as they were before it. */
export function statsFor(change: Change, before: { member?: Member; order?: Order }): StatsUpdate[] {
  const after = change.member;
  const customerId = after?.customerId ?? before.member?.customerId ?? change.order?.customerId ?? 'none';
  const u = new Updates(customerId);

  for (const entry of change.entries) {
    const bucket = day(entry.occurredAt);
    const points = Math.abs(entry.points);
    if (entry.type === 'earn') u.add(bucket, 'pointsEarned', points);
    // A re-rated order earns more, or less, than it first did.
    if (entry.type === 'rerate') u.add(bucket, 'pointsEarned', entry.points);
    if (entry.type === 'bonus') u.add(bucket, 'pointsBonus', points);
    if (entry.type === 'reverse') u.add(bucket, 'pointsReversed', points);
    if (entry.type === 'expire') u.add(bucket, 'pointsExpired', points);
    if (entry.type === 'adjust') u.add(bucket, 'pointsAdjusted', entry.points);
    if (entry.type === 'redeem') {
      u.add(bucket, 'pointsRedeemed', points);
      u.add(bucket, 'redemptions', 1);
      u.set(bucket, 'activeMembers', customerId);
    }
  }
  for (const coupon of change.coupons ?? []) u.add(day(coupon.createdAt), 'couponsIssued', 1);
  for (const use of change.couponUses ?? []) u.add(day(use.at), 'couponsUsed', 1);

  if (after) {
    const was = before.member;
    if (!was) {
      u.add(GAUGE, 'members', 1);
      u.add(day(after.enrolledAt), 'newMembers', 1);
    }
    if (!was || was.tier !== after.tier) {
      if (was) u.add(GAUGE, `tier:${was.tier}`, -1);
      u.add(GAUGE, `tier:${after.tier}`, 1);
    }
    u.add(GAUGE, 'liabilityPoints', Math.max(0, after.balance) - Math.max(0, was?.balance ?? 0));
    u.add(GAUGE, 'pendingPoints', after.pending - (was?.pending ?? 0));
    u.add(GAUGE, 'fading', Number(isFading(after)) - Number(isFading(was)));
    u.add(GAUGE, 'buyers', Number((after.orderCount ?? 0) >= 1) - Number((was?.orderCount ?? 0) >= 1));
    u.add(GAUGE, 'repeatBuyers', Number((after.orderCount ?? 0) >= 2) - Number((was?.orderCount ?? 0) >= 2));
  }

  // Orders count on their own day: revenue net of refunds, and the day's set of orders.
  const order = change.order;
  if (order?.paid && after) {
    const bucket = day(order.paid.at);
    const wasPaid = before.order?.paid !== undefined;
    const wasCancelled = before.order?.cancelledAt !== undefined;
    u.add(bucket, 'revenueMinor', order.spendCounted - (before.order?.spendCounted ?? 0));
    // A paid order makes its customer active on its day, cancelled later or not, whatever the
    // order in which the two arrive.
    if (!wasPaid) u.set(bucket, 'activeMembers', customerId);
    if (!wasPaid && !order.cancelledAt) {
      u.add(bucket, 'orders', 1);
      u.set(bucket, 'orderRefs', orderRef(customerId, order));
    }
    if (wasPaid && !wasCancelled && order.cancelledAt) {
      u.add(bucket, 'orders', -1);
      u.set(bucket, 'orderRefs', orderRef(customerId, order), true);
    }
  }
  return u.list();
}

/** The figures of one survey answer: NPS buckets, and a complaint when a low score says why. */
export function feedbackStats(feedback: Feedback): StatsUpdate[] {
  const u = new Updates(feedback.customerId);
  const bucket = day(feedback.at);
  u.add(bucket, 'feedback', 1);
  u.add(bucket, feedback.score >= 9 ? 'promoters' : feedback.score >= 7 ? 'passives' : 'detractors', 1);
  if (feedback.score <= 6 && feedback.comment?.trim()) u.add(bucket, 'complaints', 1);
  return u.list();
}

/** The change with the figures it moves. */
export function withStats(change: Change, before: { member?: Member; order?: Order }): Change {
  return { ...change, stats: [...(change.stats ?? []), ...statsFor(change, before)] };
}
