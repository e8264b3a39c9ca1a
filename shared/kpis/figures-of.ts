/**
 * The program's figures one stored change moves, read off the table's change stream: pure, from
 * the record as it was and as it is. Per-day counters make any date range a sum; gauges hold the
 * totals of now (members, tiers, liability); distinct counts come from the members' own
 * histories (`histories.ts`). Nothing here grows with a shop's volume.
 */
import { utcDay } from '../clock.ts';
import type { Member, Order } from '../ledger/types.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { historyName, keyFor, orderHistoryDeltas } from './histories.ts';
import { roiFiguresOf } from './roi-figures.ts';
import { lifecycleFiguresOf } from './lifecycle-figures.ts';
import { GAUGE, type Feedback, type FigureDelta, type FigureSource } from './stats-types.ts';

class Deltas {
  private readonly byBucket = new Map<string, Record<string, number>>();
  constructor(private readonly shop: string) {}

  add(bucket: string, name: string, by: number) {
    if (!by) return;
    const add = this.byBucket.get(bucket) ?? this.byBucket.set(bucket, {}).get(bucket)!;
    add[name] = (add[name] ?? 0) + by;
    if (add[name] === 0) delete add[name];
  }

  list(): FigureDelta[] {
    return [...this.byBucket].filter(([, add]) => Object.keys(add).length).map(([bucket, add]) => ({ shop: this.shop, bucket, add }));
  }
}

const isFading = (member: Member | undefined) => member?.fading !== undefined && member.fading.lastOrderAt === member.lastOrderAt;
const counted = (order: Order | undefined) => order?.paid !== undefined && !order.cancelledAt;

export function figuresOf(source: FigureSource): FigureDelta[] {
  const d = new Deltas(source.shop);
  if (source.kind === 'ledger') {
    const { entry } = source;
    const day = utcDay(entry.occurredAt);
    const points = Math.abs(entry.points);
    if (entry.type === 'earn') d.add(day, 'pointsEarned', points);
    // A re-rated order earns more, or less, than it first did.
    if (entry.type === 'rerate') d.add(day, 'pointsEarned', entry.points);
    if (entry.type === 'bonus') d.add(day, 'pointsBonus', points);
    if (entry.type === 'reverse') d.add(day, 'pointsReversed', points);
    if (entry.type === 'expire') d.add(day, 'pointsExpired', points);
    if (entry.type === 'adjust') d.add(day, 'pointsAdjusted', entry.points);
    if (entry.type === 'redeem') {
      d.add(day, 'pointsRedeemed', points);
      d.add(day, 'redemptions', 1);
    }
  } else if (source.kind === 'feedback') {
    feedbackFigures(d, source.feedback);
  } else if (source.kind === 'coupon') {
    couponFigures(d, source.before, source.after);
  } else if (source.kind === 'order') {
    orderFigures(d, source.before, source.after);
  } else if (source.after) {
    memberFigures(d, source.before, source.after);
  }
  // The ROI view's months ("Does it pay?"): see `roi-figures.ts`.
  for (const [bucket, add] of roiFiguresOf(source)) for (const [name, by] of Object.entries(add)) d.add(bucket, name, by);
  // The lifecycle pyramid and the moves between stages per month: see `lifecycle-figures.ts`.
  for (const [bucket, add] of lifecycleFiguresOf(source)) for (const [name, by] of Object.entries(add)) d.add(bucket, name, by);
  return d.list();
}

function memberFigures(d: Deltas, was: Member | undefined, after: Member) {
  if (!was) {
    d.add(GAUGE, 'members', 1);
    d.add(utcDay(after.enrolledAt), 'newMembers', 1);
  }
  if (!was || was.tier !== after.tier) {
    if (was) d.add(GAUGE, `tier:${was.tier}`, -1);
    d.add(GAUGE, `tier:${after.tier}`, 1);
  }
  d.add(GAUGE, 'liabilityPoints', Math.max(0, after.balance) - Math.max(0, was?.balance ?? 0));
  d.add(GAUGE, 'pendingPoints', after.pending - (was?.pending ?? 0));
  d.add(GAUGE, 'fading', Number(isFading(after)) - Number(isFading(was)));
  d.add(GAUGE, 'buyers', Number((after.orderCount ?? 0) >= 1) - Number((was?.orderCount ?? 0) >= 1));
  d.add(GAUGE, 'repeatBuyers', Number((after.orderCount ?? 0) >= 2) - Number((was?.orderCount ?? 0) >= 2));
  // Active on a day: counted once per range by the member's previous active day.
  const active = after.lastActiveAt;
  if (active && (!was?.lastActiveAt || utcDay(active) > utcDay(was.lastActiveAt))) {
    const day = utcDay(active);
    d.add(day, historyName('active', keyFor(was?.lastActiveAt, day)), 1);
  }
  for (const [day, add] of orderHistoryDeltas(was, after)) for (const [name, by] of Object.entries(add)) d.add(day, name, by);
}

/** Orders count on the day they were paid: revenue net of refunds, and paid orders not cancelled. */
function orderFigures(d: Deltas, was: Order | undefined, after: Order | undefined) {
  if (!after?.paid || !after.customerId) return;
  const day = utcDay(after.paid.at);
  d.add(day, 'revenueMinor', after.spendCounted - (was?.spendCounted ?? 0));
  // A guest order (no customer) was never counted: claimed by a new member, it counts now.
  d.add(day, 'orders', Number(counted(after)) - Number(counted(was) && was?.customerId !== undefined));
}

function couponFigures(d: Deltas, was: Coupon | undefined, after: Coupon | undefined) {
  if (!after) return;
  if (!was) d.add(utcDay(after.createdAt), 'couponsIssued', 1);
  if (after.status === 'used' && was?.status !== 'used' && after.usedAt) d.add(utcDay(after.usedAt), 'couponsUsed', 1);
}

/** The figures of one survey answer: NPS buckets, and a complaint when a low score says why. */
function feedbackFigures(d: Deltas, feedback: Feedback) {
  const day = utcDay(feedback.at);
  d.add(day, 'feedback', 1);
  d.add(day, feedback.score >= 9 ? 'promoters' : feedback.score >= 7 ? 'passives' : 'detractors', 1);
  if (feedback.score <= 6 && feedback.comment?.trim()) d.add(day, 'complaints', 1);
}

/** The deltas of many sources, merged per shop and bucket. */
export function mergeDeltas(deltas: FigureDelta[]): FigureDelta[] {
  const merged = new Map<string, FigureDelta>();
  for (const delta of deltas) {
    const key = `${delta.shop}\u0000${delta.bucket}`;
    const into = merged.get(key) ?? merged.set(key, { shop: delta.shop, bucket: delta.bucket, add: {} }).get(key)!;
    for (const [name, by] of Object.entries(delta.add)) into.add[name] = (into.add[name] ?? 0) + by;
  }
  return [...merged.values()].map((delta) => ({ ...delta, add: Object.fromEntries(Object.entries(delta.add).filter(([, by]) => by !== 0)) })).filter((delta) => Object.keys(delta.add).length);
}
