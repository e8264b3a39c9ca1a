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
 * | campaigns       | SHOP#{shop}                      | CAMPAIGNS               |                                       |                              |
 * | campaign products| SHOP#{shop}                     | CAMPAIGN#{id}#PRODUCTS  |                                       |                              |
 * | member          | MEMBER#{shop}#{customer}         | MEMBER                  | LAPSE or STAGE#{shard} / {at}#…       | MEMBERS#{shop} / {tier}#{id} |
 * | lot             | MEMBER#{shop}#{customer}         | LOT#{lotId}             | EXPIRES or PENDING#{shard} / {at}#…   |                              |
 * | ledger entry    | MEMBER#{shop}#{customer}         | LEDGER#{occurredAt}#{id}|                                       |                              |
 * | order           | ORDER#{shop}#{shard of id}       | ORDER#{orderId}         |                                       |                              |
 * | idempotency key | IDEMPOTENCY#{shop}#{key}         | IDEMPOTENCY             |                                       |                              |
 * | coupon          | COUPON#{shop}#{code}             | COUPON                  | OUTBOX#{shard} / {nextAttemptAt}#…    |                              |
 * | notification    | MEMBER#{shop}#{customer}         | NOTIFICATION#{id}       | NOTIFY#{shard} / {dueAt}#…            |                              |
 * | feedback        | MEMBER#{shop}#{customer}         | FEEDBACK#{at}#{id}      |                                       |                              |
 * | birthday due    | MEMBER#{shop}#{customer}         | BIRTHDAY                | BIRTHDAY#{shard} / {nextRewardAt}#…   |                              |
 * | guest claim     | GUEST#{shop}#{sha256 of email}   | CLAIM#{orderId}         |                                       | OWNED#{shop} / {PK}          |
 * | referral code   | REF#{shop}#code#{code}           | REFCODE                 |                                       | OWNED#{shop} / {PK}          |
 * | advocate's code | MEMBER#{shop}#{customer}         | REFERRAL_CODE           |                                       | OWNED#{shop} / {PK}          |
 * | referral        | MEMBER#{shop}#{advocate}         | REFERRAL#{id}           | REFERRAL#{shard} / {dueAt}#… (ordered)| REFERRALS#{shop} / {status}#{claimedAt}#{id} |
 * | friend's claim  | REF#{shop}#friend#{email hash}   | REFFRIEND               |                                       | OWNED#{shop} / {PK}          |
 * | coupon,         | (as above)                       |                         |                                       | OWNED#{shop} / {PK}          |
 * | idempotency,    |                                  |                         |                                       |                              |
 * | feedback,       |                                  |                         |                                       |                              |
 * | export request  |                                  |                         |                                       |                              |
 * | figures         | STATS#{shop}#{day|gauge}#{shard} | STATS                   |                                       | OWNED#{shop} / {PK}          |
 * | ROI month       | STATS#{shop}#roi:{YYYY-MM}#{shard} | STATS (as figures: `kpis/roi-figures.ts`) |                   | OWNED#{shop} / {PK}          |
 * | figures mark    | FIGURES#{first sequence number}  | MARK                    |                                       |                              |
 * | priority row    | STATS#{shop}#priority:{list}     | {ceiling-value}#{id}    |                                       | OWNED#{shop} / {PK}          |
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

/** A member's birthday in the due index (`BIRTHDAY`), beside the member item, which has its own GSI1 entry (LAPSE). */
export const birthdayDueKey = (shop: string, customerId: string) => ({ PK: memberPartition(shop, customerId), SK: 'BIRTHDAY' });
/** A guest order's points waiting for an account with the same verified email (the email's SHA-256, never the email). */
export const GUEST_CLAIM_PREFIX = 'CLAIM#';
export const guestClaimPartition = (shop: string, emailHash: string) => `GUEST#${shop}#${emailHash}`;
export const guestClaimKey = (shop: string, emailHash: string, orderId: string) => ({ PK: guestClaimPartition(shop, emailHash), SK: `${GUEST_CLAIM_PREFIX}${orderId}` });

/**
 * Referrals (docs/referrals.md). A code is unique per shop (`REF#…#code#`, conditional put) and its
 * advocate keeps it in their partition (`REFERRAL_CODE`, indexed under the shop so `shop/redact`
 * finds the partition of an advocate who is not a member). Referrals live in the advocate's
 * partition (the fraud rules read the advocate's week in one query), listed for the admin by
 * status in GSI2 and, once the friend's order is in, due in GSI1 (`REFERRAL`). One welcome reward
 * per person and shop: `REF#…#friend#` by the canonical e-mail's hash.
 */
export const referralCodeKey = (shop: string, code: string) => ({ PK: `REF#${shop}#code#${code}`, SK: 'REFCODE' });
export const advocateCodeKey = (shop: string, customerId: string) => ({ PK: memberPartition(shop, customerId), SK: 'REFERRAL_CODE' });
export const REFERRAL_PREFIX = 'REFERRAL#';
export const referralKey = (shop: string, advocateId: string, id: string) => ({ PK: memberPartition(shop, advocateId), SK: `${REFERRAL_PREFIX}${id}` });
export const referralsOfShopKeys = (shop: string, status: string, claimedAt: string, id: string) => ({ GSI2PK: `REFERRALS#${shop}`, GSI2SK: `${status}#${claimedAt}#${id}` });
export const referralFriendKey = (shop: string, friendKey: string) => ({ PK: `REF#${shop}#friend#${friendKey}`, SK: 'REFFRIEND' });

/**
 * A shop's bonus campaigns, all in one item read by every paid order (through a short cache), and
 * each collection or tag campaign's product ids in an item of its own, read only while it runs
 * (docs/campaigns.md). In the shop's partition: `shop/redact` erases them with the shop.
 */
export const campaignsKey = (shop: string) => ({ PK: `SHOP#${shop}`, SK: 'CAMPAIGNS' });
export const campaignProductsKey = (shop: string, campaignId: string) => ({ PK: `SHOP#${shop}`, SK: `CAMPAIGN#${campaignId}#PRODUCTS` });

/**
 * A row of a shop's priority list (`lifecycle/priority.ts`): one partition per list, sorted by
 * value, highest first (the sort key starts with the value's complement). Under `STATS#`: written
 * by the stream aggregator alone, with the figures; indexed under the shop for `shop/redact`.
 */
const PRIORITY_VALUE_CEILING = 1e15;
export const priorityListPartition = (shop: string, list: string) => `STATS#${shop}#priority:${list}`;
export function priorityRowKey(shop: string, list: string, valueMinor: number, customerId: string) {
  const rank = String(Math.max(0, PRIORITY_VALUE_CEILING - Math.min(Math.max(0, Math.round(valueMinor)), PRIORITY_VALUE_CEILING))).padStart(16, '0');
  return { PK: priorityListPartition(shop, list), SK: `${rank}#${customerId}` };
}

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
 * by the day they count as fading (`LAPSE`) or their lifecycle stage next moves (`STAGE`), unsent
 * messages (`NOTIFY`), data exports to write (`EXPORT`).
 */
export type DueKind = 'EXPIRES' | 'PENDING' | 'LAPSE' | 'NOTIFY' | 'EXPORT' | 'BIRTHDAY' | 'STAGE' | 'REFERRAL';

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
