/**
 * The single-table key design, in one place. See the README's "Data model" for the access
 * patterns each key serves.
 *
 * | item            | PK                               | SK                      | GSI1 (by expiry)                      | GSI2 (members of a shop)     |
 * |-----------------|----------------------------------|-------------------------|---------------------------------------|------------------------------|
 * | shop            | SHOP#{shop}                      | SHOP                    |                                       |                              |
 * | access tokens   | SHOP#{shop}                      | TOKEN                   |                                       |                              |
 * | last delivery   | SHOP#{shop}                      | DELIVERY#{topic}        |                                       |                              |
 * | shops list      | (the shop item above)            |                         |                                       | SHOPS / {shop}               |
 * | job progress    | SHOP#{shop}                      | JOB#{job}               |                                       |                              |
 * | member          | MEMBER#{shop}#{customer}         | MEMBER                  | LAPSE#{shard} / {lapseAt}#…           | MEMBERS#{shop} / {tier}#{id} |
 * | lot             | MEMBER#{shop}#{customer}         | LOT#{lotId}             | EXPIRES or PENDING#{shard} / {at}#…   |                              |
 * | ledger entry    | MEMBER#{shop}#{customer}         | LEDGER#{occurredAt}#{id}|                                       |                              |
 * | order           | ORDER#{shop}#{shard of id}       | ORDER#{orderId}         |                                       |                              |
 * | idempotency key | IDEMPOTENCY#{shop}#{key}         | IDEMPOTENCY             |                                       |                              |
 * | coupon          | COUPON#{shop}#{code}             | COUPON                  | OUTBOX#{shard} / {nextAttemptAt}#…    |                              |
 * | notification    | MEMBER#{shop}#{customer}         | NOTIFICATION#{id}       | NOTIFY#{shard} / {dueAt}#…            |                              |
 * | feedback        | MEMBER#{shop}#{customer}         | FEEDBACK#{at}#{id}      |                                       |                              |
 * | coupon,         | (as above)                       |                         |                                       | OWNED#{shop} / {PK}          |
 * | idempotency,    |                                  |                         |                                       |                              |
 * | feedback,       |                                  |                         |                                       |                              |
 * | export request  |                                  |                         |                                       |                              |
 * | figures         | STATS#{shop}#{day|gauge}#{shard} | STATS                   |                                       | OWNED#{shop} / {PK}          |
 * | figures mark    | FIGURES#{first sequence number}  | MARK                    |                                       |                              |
 * | rate limit      | RATE#{shop}#{action}#{customer}  | {windowStart}           |                                       | OWNED#{shop} / {PK}          |
 *
 * GSI1 is the "due" index: things that fall due at a time (lots expiring or leaving their return
 * window, members fading, messages and coupons to send). Items leave it when they are done.
 */

export const GSI_BY_EXPIRY = 'GSI1';
export const GSI_MEMBERS_OF_SHOP = 'GSI2';
/** Each kind of due item is spread over this many partitions of GSI1, so no day is a hot partition. */
export const DUE_SHARDS = 16;

export const shopKey = (shop: string) => ({ PK: `SHOP#${shop}`, SK: 'SHOP' });
export const memberPartition = (shop: string, customerId: string) => `MEMBER#${shop}#${customerId}`;
export const memberKey = (shop: string, customerId: string) => ({ PK: memberPartition(shop, customerId), SK: 'MEMBER' });
export const lotKey = (shop: string, customerId: string, lotId: string) => ({ PK: memberPartition(shop, customerId), SK: `LOT#${lotId}` });
export const ledgerKey = (shop: string, customerId: string, occurredAt: string, entryId: string) => ({
  PK: memberPartition(shop, customerId),
  SK: `LEDGER#${occurredAt}#${entryId}`,
});
/**
 * Orders live in ORDER_SHARDS partitions per shop, found by the order id alone (a refund names
 * nothing else) and enumerable per shop without an index entry: `shop/redact` reads the shards.
 */
export const ORDER_SHARDS = 64;
export const ORDER_PREFIX = 'ORDER#';
export const orderPartition = (shop: string, shard: number) => `ORDER#${shop}#${shard}`;
export const orderKey = (shop: string, orderId: string) => ({ PK: orderPartition(shop, shardOf(orderId, ORDER_SHARDS)), SK: `${ORDER_PREFIX}${orderId}` });
export const idempotencyKey = (shop: string, key: string) => ({ PK: `IDEMPOTENCY#${shop}#${key}`, SK: 'IDEMPOTENCY' });

export const couponKey = (shop: string, code: string) => ({ PK: `COUPON#${shop}#${code}`, SK: 'COUPON' });
/** A message, in its member's partition (so a customer's redaction finds it). */
export const NOTIFICATION_PREFIX = 'NOTIFICATION#';
/** A data request to export, in its customer's partition, until the export job writes it. */
export const EXPORT_REQUEST_PREFIX = 'EXPORT#';
export const exportRequestKey = (shop: string, customerId: string, requestId: string) => ({ PK: memberPartition(shop, customerId), SK: `${EXPORT_REQUEST_PREFIX}${requestId}` });
export const notificationKey = (shop: string, customerId: string, id: string) => ({ PK: memberPartition(shop, customerId), SK: `${NOTIFICATION_PREFIX}${id}` });

/** The program's figures: per day, and gauges of now, each spread over STATS_SHARDS items. */
export const STATS_SHARDS = 4;
export function statsKey(shop: string, bucket: string, shardKey: string) {
  return { PK: `STATS#${shop}#${bucket}#${shardOf(shardKey, STATS_SHARDS)}`, SK: 'STATS' };
}
/** A batch of stream records applied to the figures, by its first record's sequence number. */
export const figureMarkKey = (firstSequence: string) => ({ PK: `FIGURES#${firstSequence}`, SK: 'MARK' });
export const statsKeys = (shop: string, bucket: string) =>
  Array.from({ length: STATS_SHARDS }, (_, shard) => ({ PK: `STATS#${shop}#${bucket}#${shard}`, SK: 'STATS' }));

export const feedbackKey = (shop: string, customerId: string, at: string, id: string) => ({ PK: memberPartition(shop, customerId), SK: `FEEDBACK#${at}#${id}` });
/** A survey answer's keys, indexed under its shop: its customer may not be a member, and `shop/redact` must find it. */
export const feedbackItemKeys = (shop: string, customerId: string, at: string, id: string) => {
  const key = feedbackKey(shop, customerId, at, id);
  return { ...key, ...ownedByShopKeys(shop, key.PK) };
};

/**
 * The shop's Admin API tokens, in the shop's partition (so `shop/redact` erases them with it) but
 * not on the shop record every webhook reads.
 */
export const accessTokenKey = (shop: string) => ({ PK: `SHOP#${shop}`, SK: 'TOKEN' });
/** When a webhook topic last arrived for the shop, in the shop's partition. */
export const WEBHOOK_DELIVERY_PREFIX = 'DELIVERY#';
export const webhookDeliveryKey = (shop: string, topic: string) => ({ PK: `SHOP#${shop}`, SK: `${WEBHOOK_DELIVERY_PREFIX}${topic}` });

/**
 * Where a job's pass over one shop stands (the `tiers` job: the day of the pass, the last member
 * looked at), in the shop's partition so `shop/redact` erases it with the shop. Written by the job
 * alone, a page at a time; never on a webhook's path.
 */
export const jobProgressKey = (shop: string, job: string) => ({ PK: `SHOP#${shop}`, SK: `JOB#${job}` });

/** A program version with its audit record, in the shop's partition: newest last. */
export const PROGRAM_VERSION_PREFIX = 'PROGRAM#';
export const programVersionKey = (shop: string, version: number) => ({ PK: `SHOP#${shop}`, SK: `${PROGRAM_VERSION_PREFIX}${String(version).padStart(8, '0')}` });

export const LOT_PREFIX = 'LOT#';
export const LEDGER_PREFIX = 'LEDGER#';

function shardOf(text: string, shards: number): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % shards;
}

/**
 * The kinds of things that fall due, each its own set of GSI1 partitions:
 * lots by expiry (`EXPIRES`), pending lots by the end of their return window (`PENDING`), members
 * by the day they count as fading (`LAPSE`), unsent messages (`NOTIFY`), data exports to write (`EXPORT`).
 */
export type DueKind = 'EXPIRES' | 'PENDING' | 'LAPSE' | 'NOTIFY' | 'EXPORT';

/** GSI1 keys of an item of `partition`/`sortKey` due at `at`: sorted by time, then by item. */
export function dueIndexKeys(kind: DueKind, partition: string, sortKey: string, at: string) {
  return { GSI1PK: `${kind}#${shardOf(partition, DUE_SHARDS)}`, GSI1SK: `${at}#${partition}#${sortKey}` };
}

/** Pending coupons, by when the outbox should next try to create them in Shopify. */
export const OUTBOX_SHARDS = 4;
export function outboxIndexKeys(shop: string, code: string, nextAttemptAt: string) {
  return { GSI1PK: `OUTBOX#${shardOf(code, OUTBOX_SHARDS)}`, GSI1SK: `${nextAttemptAt}#${shop}#${code}` };
}

/**
 * Items of a shop that the members index does not reach, in GSI2: what `shop/redact` must find.
 * Every item of a shop is in the shop's partition, a member's partition, or here.
 */
export const ownedByShopKeys = (shop: string, partition: string) => ({ GSI2PK: `OWNED#${shop}`, GSI2SK: partition });

/** All shops, in GSI2 (the shop list the daily jobs start from). */
export const SHOPS_PARTITION = 'SHOPS';
export const shopsIndexKeys = (shop: string) => ({ GSI2PK: SHOPS_PARTITION, GSI2SK: shop });

export const membersOfShopKeys = (shop: string, tier: string, customerId: string) => ({
  GSI2PK: `MEMBERS#${shop}`,
  GSI2SK: `${tier}#${customerId}`,
});

/**
 * The outbound pipeline's own items (`OUTBOUND#`), each gone by itself (TTL): a member's metafield
 * syncs (when last let through, what was written, a sync scheduled), the shop's program metafield
 * (the version written), and one marker per event and destination sent (so an event goes out once).
 */
export const OUTBOUND_PREFIX = 'OUTBOUND#';
export const outboundMemberKey = (shop: string, customerId: string) => ({ PK: `${OUTBOUND_PREFIX}${shop}#member#${customerId}`, SK: 'METAFIELDS' });
export const outboundProgramKey = (shop: string) => ({ PK: `${OUTBOUND_PREFIX}${shop}#program`, SK: 'METAFIELDS' });
export const outboundEventKey = (shop: string, eventId: string, destination: string) => ({ PK: `${OUTBOUND_PREFIX}${shop}#event#${eventId}`, SK: destination });
