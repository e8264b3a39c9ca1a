/** Records to DynamoDB items and back. Every item names its `entity` so a table dump reads plainly. */
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LedgerEntry, Lot, Member, Order } from '../../ledger/types.ts';
import type { NotificationRecord, Shop } from '../ports.ts';
import type { ProgramChange } from '../../admin/program-settings.ts';
import type { Coupon } from '../../rewards/coupon.ts';
import { couponKey, dueIndexKeys, ledgerKey, lotKey, memberKey, membersOfShopKeys, notificationKey, orderKey, outboxIndexKeys, ownedByShopKeys, programVersionKey, shopKey, shopsIndexKeys } from './keys.ts';

export type Item = Record<string, AttributeValue>;

const toItem = (value: Record<string, unknown>): Item => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: false });

export const fromItem = (item: Item): Record<string, unknown> => unmarshall(item);

export function shopItem(shop: Shop, rev: number): Item {
  return toItem({ ...shopKey(shop.shop), ...shopsIndexKeys(shop.shop), entity: 'shop', ...shop, rev });
}

export function notificationItem(record: NotificationRecord): Item {
  const key = notificationKey(record.notification.shop, record.notification.customerId, record.notification.id);
  return toItem({
    ...key,
    ...(record.status === 'sent' ? {} : dueIndexKeys('NOTIFY', key.PK, key.SK, record.dueAt)),
    entity: 'notification',
    shop: record.notification.shop,
    customerId: record.notification.customerId,
    ...record,
  });
}

export function programVersionItem(shop: string, change: ProgramChange): Item {
  return toItem({ ...programVersionKey(shop, change.version), entity: 'program-version', ...change });
}

export const toProgramChange = (item: Item) => strip<ProgramChange>(item);

export const toNotificationRecord = (item: Item) => strip<NotificationRecord>(item, 'shop', 'customerId');

export function memberItem(member: Member, rev: number): Item {
  const key = memberKey(member.shop, member.customerId);
  const flagged = member.fading !== undefined && member.fading.lastOrderAt === member.lastOrderAt;
  return toItem({
    ...key,
    ...membersOfShopKeys(member.shop, member.tier, member.customerId),
    // One place in the due index: its next change with time, whichever comes first. Flagged as
    // fading (win-back, `LAPSE`) until flagged for this lapse; its lifecycle stage's next move (`STAGE`).
    ...memberDueKeys(member, flagged, key),
    entity: 'member',
    ...member,
    rev,
  });
}

/**
 * The member's entry in the due index: the earlier of its lapse (not flagged yet) and its next
 * stage move. Each job finds only members due for its own reason; once it has written the member,
 * the entry moves on to the other date (see docs/lifecycle.md).
 */
function memberDueKeys(member: Member, flagged: boolean, key: { PK: string; SK: string }) {
  const lapse = member.lapseAt && !flagged ? member.lapseAt : undefined;
  if (lapse && (!member.stageDueAt || lapse <= member.stageDueAt)) return dueIndexKeys('LAPSE', key.PK, key.SK, lapse);
  return member.stageDueAt ? dueIndexKeys('STAGE', key.PK, key.SK, member.stageDueAt) : {};
}

export function lotItem(shop: string, customerId: string, lot: Lot): Item {
  const key = lotKey(shop, customerId, lot.id);
  return toItem({
    ...key,
    // Due when its return window ends (pending), else when it expires; settled, or reversed to
    // nothing, it leaves the index (a lot with no points has nothing to activate or expire).
    ...(lot.points <= 0 || lot.settledAt
      ? {}
      : lot.pendingUntil
        ? dueIndexKeys('PENDING', key.PK, key.SK, lot.pendingUntil)
        : dueIndexKeys('EXPIRES', key.PK, key.SK, lot.expiresAt)),
    entity: 'lot',
    shop,
    customerId,
    ...lot,
  });
}

export function ledgerItem(shop: string, customerId: string, entry: LedgerEntry): Item {
  return toItem({ ...ledgerKey(shop, customerId, entry.occurredAt, entry.id), entity: 'ledger', shop, customerId, ...entry });
}

export function orderItem(order: Order, rev: number): Item {
  const key = orderKey(order.shop, order.orderId);
  return toItem({ ...key, entity: 'order', ...order, rev });
}

export function couponItem(coupon: Coupon): Item {
  const key = couponKey(coupon.shop, coupon.code);
  return toItem({
    ...key,
    ...ownedByShopKeys(coupon.shop, key.PK),
    // In the outbox while Shopify does not have it yet.
    ...(coupon.status === 'pending' && coupon.nextAttemptAt ? outboxIndexKeys(coupon.shop, coupon.code, coupon.nextAttemptAt) : {}),
    entity: 'coupon',
    ...coupon,
  });
}

function strip<T>(item: Item, ...extra: string[]): T {
  const record = fromItem(item);
  for (const key of ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'entity', ...extra]) delete record[key];
  return record as T;
}

export const toShop = (item: Item) => strip<Shop>(item);
/** Members written before tier spend was kept per order start with none (they re-fill as orders arrive). */
export function toMember(item: Item): Member {
  const member = strip<Member>(item);
  return { ...member, spendByOrder: member.spendByOrder ?? {} };
}
export const toOrder = (item: Item) => strip<Order>(item);
export const toLot = (item: Item) => strip<Lot>(item, 'shop', 'customerId', 'rev');
export const toCoupon = (item: Item) => strip<Coupon>(item);
export const toLedgerEntry = (item: Item) => strip<LedgerEntry>(item, 'shop', 'customerId');
