/**
 * The outbound events one stored change gives, read off the table's change stream: pure, from the
 * record as it was and as it is, and the shop's program. Each event's id comes from the record
 * itself (the member's revision, the ledger entry's id, the coupon's code, the message's id) and
 * the event's type, so a record read twice gives the same events twice, with the same ids, and a
 * receiver drops the second. Instants are the business's (the order's, the redemption's), never the
 * clock's.
 */
import type { FigureSource } from '../kpis/stats-types.ts';
import type { LedgerEntry, Member } from '../ledger/types.ts';
import type { PointsExpiringData } from '../notify/notification.ts';
import type { Program } from '../program/program.ts';
import type { Coupon } from '../rewards/coupon.ts';
import type { NotificationRecord } from '../store/ports/notification-outbox.ts';
import type { Shop } from '../store/records.ts';
import type { OutboundEvent, OutboundEventType } from './outbound.ts';
import { priorityFadingData } from '../lifecycle/priority-fading.ts';

/** A message recorded in the outbox (a points-expiring reminder), as before and after the write. */
export interface NotificationChange {
  kind: 'notification';
  shop: string;
  customerId: string;
  before?: NotificationRecord;
  after: NotificationRecord;
}

/**
 * What one stream record changed, as the stream seam gives it (`store/dynamodb/stream-records.ts`):
 * the figures' sources (members, orders, coupons, ledger entries with their customer, survey
 * answers), outbox messages, and anything else with a kind and a shop (a shop record), which gives
 * no event.
 */
export type OutboundChange = FigureSource | NotificationChange | { kind: 'shop'; shop: string };

/**
 * The stored items events come from (their `entity`) and the stream event names that carry them:
 * the filter of the stream's event source, so records that can give no event never invoke it.
 */
export const OUTBOUND_SOURCES = {
  entities: ['member', 'ledger', 'coupon', 'notification'] as const,
  eventNames: ['INSERT', 'MODIFY'] as const,
};

/** Where earned points came from, by ledger entry type; other entry types (and points given back) earn nothing. */
export type EarnedPointsSource = 'order' | 'signup' | 'bonus' | 'adjustment' | 'rerate';

/** An adjustment that gives back the points of a reward Shopify refused: returned, not earned. */
const GIVEN_BACK = 'coupon-refused';

export function eventsOf(change: OutboundChange, shop: Shop): OutboundEvent[] {
  switch (change.kind) {
    case 'member':
      return change.after ? [...tierChanged(change.before, change.after, shop.program), ...priorityFading(change.before, change.after, shop)] : [];
    case 'ledger':
      // A ledger entry without its customer (an older seam) can name no one: nothing to send.
      if (!change.customerId) return [];
      return [...pointsEarned(change.customerId, change.entry, shop.shop), ...rewardsNowAvailable(change.customerId, change.entry, shop)];
    case 'coupon':
      return change.after ? rewardRedeemed(change.before, change.after) : [];
    case 'notification':
      return pointsExpiring(change.before, change.after);
    default:
      return [];
  }
}

function event(type: OutboundEventType, shop: string, customerId: string, cause: string, occurredAt: string, data: OutboundEvent['data']): OutboundEvent {
  return { id: `${type}:${shop}:${customerId}:${cause}`, type, shop, customerId, occurredAt, data };
}

/**
 * A member's tier differs from before. A member stored for the first time starts from the
 * program's first tier (where every new member starts), so one enrolled straight into a higher
 * tier by a first big order has reached it. Up or down by the tiers' order in the program; a
 * previous tier the program no longer has counts as below all of them.
 */
function tierChanged(before: Member | undefined, after: Member, program: Program): OutboundEvent[] {
  const previous = before?.tier ?? program.tiers[0]?.name;
  if (previous === undefined || previous === after.tier) return [];
  const rank = (name: string) => program.tiers.findIndex((tier) => tier.name === name);
  const direction = rank(after.tier) > rank(previous) ? 'up' : 'down';
  // The revision is the write's own: the same record read twice gives the same id.
  return [event('tier_changed', after.shop, after.customerId, `rev-${after.rev}`, after.tierAsOf, { previousTier: previous, newTier: after.tier, direction })];
}

/** A valuable member moved to fading (docs/lifecycle.md): once per move, dated when it happened. */
function priorityFading(before: Member | undefined, after: Member, shop: Shop): OutboundEvent[] {
  const data = priorityFadingData(before, after, shop);
  return data ? [event('priority_fading', after.shop, after.customerId, `since-${after.stageSince}`, after.stageSince!, data)] : [];
}

function earnedSource(entry: LedgerEntry): EarnedPointsSource | undefined {
  if (entry.points <= 0) return undefined;
  switch (entry.type) {
    case 'earn':
      return 'order';
    case 'bonus':
      return entry.reason === 'signup' ? 'signup' : 'bonus';
    case 'adjust':
      // Balances brought over by the CSV import (`import:{source}`) were earned elsewhere: no Flow or event per migrated member.
      return entry.reason === GIVEN_BACK || entry.id.startsWith('import:') ? undefined : 'adjustment';
    case 'rerate':
      return 'rerate';
    default:
      return undefined;
  }
}

/** Points added by an order, the signup bonus, another bonus, a manual or Flow adjustment, or a re-rated order. */
function pointsEarned(customerId: string, entry: LedgerEntry, shop: string): OutboundEvent[] {
  const source = earnedSource(entry);
  if (!source) return [];
  return [
    event('points_earned', shop, customerId, entry.id, entry.occurredAt, {
      points: entry.points,
      balance: entry.balanceAfter,
      source,
      orderId: entry.orderId ?? null,
      pendingUntil: entry.pendingUntil ?? null,
    }),
  ];
}

/**
 * Every reward the member's spendable balance reaches with this entry and did not before: one event
 * per reward crossed, per crossing. Points still pending (a return window) are not spendable yet.
 */
function rewardsNowAvailable(customerId: string, entry: LedgerEntry, shop: Shop): OutboundEvent[] {
  if (entry.points <= 0 || entry.pendingUntil) return [];
  const after = entry.balanceAfter;
  const before = after - entry.points;
  return shop.program.rewards
    .filter((reward) => before < reward.cost && reward.cost <= after)
    .map((reward) =>
      event('reward_available', shop.shop, customerId, `${entry.id}:${reward.id}`, entry.occurredAt, { rewardId: reward.id, rewardName: reward.name, cost: reward.cost, balance: after }),
    );
}

/**
 * A redemption whose coupon (or store credit) Shopify now has: sent when it first becomes issued,
 * so the code it carries works. A coupon Shopify refused for good never gives one (its points went
 * back); tier rewards are not redemptions.
 */
function rewardRedeemed(before: Coupon | undefined, after: Coupon): OutboundEvent[] {
  if (after.source !== 'redemption') return [];
  const nowIssued = after.status === 'issued' || after.status === 'used';
  const wasIssued = before !== undefined && (before.status === 'issued' || before.status === 'used');
  if (!nowIssued || wasIssued) return [];
  const credit = after.reward.kind === 'store_credit';
  return [
    event('reward_redeemed', after.shop, after.customerId, after.code, after.createdAt, {
      rewardId: after.rewardId,
      rewardName: after.reward.name,
      rewardKind: after.reward.kind,
      points: after.points,
      code: credit ? null : after.code,
      expiresAt: after.expiresAt ?? null,
    }),
  ];
}

/** A points-expiring reminder recorded in the outbox (once per member, expiry day and offset). */
function pointsExpiring(before: NotificationRecord | undefined, after: NotificationRecord): OutboundEvent[] {
  const { notification } = after;
  if (before || notification.kind !== 'points-expiring') return [];
  const data = notification.data as PointsExpiringData;
  return [
    event('points_expiring', notification.shop, notification.customerId, notification.id, notification.createdAt, {
      points: data.points,
      expiresOn: data.expiresOn,
      daysBefore: data.daysBefore,
      balance: data.balance,
    }),
  ];
}
