/**
 * The table's change stream, read: what a stream record changed, in the ledger's own types. The
 * seam every consumer of the stream (the figures now; outbound events and metafields later)
 * starts from, whether Lambda delivers the records or the local poller reads them.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Feedback, FigureSource } from '../../kpis/stats-types.ts';
import type { OutboundSource } from '../../stream/outbound-work.ts';
import type { NotificationChange } from '../../stream/events-of.ts';
import { fromItem, toCoupon, toLedgerEntry, toMember, toNotificationRecord, toOrder, toShop, type Item } from './items.ts';

/** A stream record as Lambda and the DynamoDB Streams API both give it (images in DynamoDB JSON). */
export interface StreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    SequenceNumber?: string;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
  };
}

const entityOf = (image: Item | undefined) => image?.entity?.S;

/**
 * The Streams SDK client reads an empty map (`{"M": {}}`) as `{}`; Lambda's events do not. Both
 * come out as DynamoDB wrote them.
 */
function repaired(value: unknown): AttributeValue {
  const attribute = value as Record<string, unknown>;
  if (Object.values(attribute).every((v) => v === undefined)) return { M: {} };
  if (attribute.M) return { M: repairedImage(attribute.M as Record<string, unknown>) };
  if (attribute.L) return { L: (attribute.L as unknown[]).map(repaired) };
  return attribute as unknown as AttributeValue;
}
const repairedImage = (image: Record<string, unknown>): Item => Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repaired(value)]));

/**
 * What a record changed, for the figures; undefined for what they do not read (lots, marks, the
 * figures themselves) and for removals (a shop's erasure, expired records): history stays counted.
 */
export function figureSourceOf(record: StreamRecord): FigureSource | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const after = record.dynamodb?.NewImage && repairedImage(record.dynamodb.NewImage);
  const before = record.dynamodb?.OldImage && repairedImage(record.dynamodb.OldImage);
  if (!after) return undefined;
  const shop = after.shop?.S;
  if (!shop) return undefined;
  switch (entityOf(after)) {
    case 'member':
      return { kind: 'member', shop, after: toMember(after), ...(before ? { before: toMember(before) } : {}) };
    case 'order':
      return { kind: 'order', shop, after: toOrder(after), ...(before ? { before: toOrder(before) } : {}) };
    case 'coupon':
      return { kind: 'coupon', shop, after: toCoupon(after), ...(before ? { before: toCoupon(before) } : {}) };
    case 'ledger':
      return before ? undefined : { kind: 'ledger', shop, entry: toLedgerEntry(after), ...(after.customerId?.S ? { customerId: after.customerId.S } : {}) };
    case 'feedback': {
      if (before) return undefined;
      const { id, customerId, score, comment, at } = fromItem(after) as unknown as Feedback;
      return { kind: 'feedback', shop, feedback: { id, customerId, score, at, ...(comment ? { comment } : {}) } };
    }
    default:
      return undefined;
  }
}

/** What a record changed, for the outbound consumer; undefined for removals and what it does not read. */
export function outboundSourceOf(record: StreamRecord): OutboundSource | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const after = record.dynamodb?.NewImage && repairedImage(record.dynamodb.NewImage);
  if (after && entityOf(after) === 'shop' && after.shop?.S) {
    const before = record.dynamodb?.OldImage && repairedImage(record.dynamodb.OldImage);
    return { kind: 'shop', shop: after.shop.S, after: toShop(after), ...(before ? { before: toShop(before) } : {}) };
  }
  if (after && entityOf(after) === 'notification') return notificationChangeOf(record);
  return figureSourceOf(record);
}

/**
 * A message written to the outbox (a points-expiring reminder, a win-back message), as before and
 * after: for the outbound events. Undefined for anything else and for removals.
 */
export function notificationChangeOf(record: StreamRecord): NotificationChange | undefined {
  if (record.eventName === 'REMOVE') return undefined;
  const after = record.dynamodb?.NewImage && repairedImage(record.dynamodb.NewImage);
  if (!after || entityOf(after) !== 'notification') return undefined;
  const shop = after.shop?.S;
  const customerId = after.customerId?.S;
  if (!shop || !customerId) return undefined;
  const before = record.dynamodb?.OldImage && repairedImage(record.dynamodb.OldImage);
  return { kind: 'notification', shop, customerId, after: toNotificationRecord(after), ...(before ? { before: toNotificationRecord(before) } : {}) };
}
