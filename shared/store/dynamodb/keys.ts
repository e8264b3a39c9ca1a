/**
 * The single-table key design, in one place. See the README's "Data model" for the access
 * patterns each key serves.
 *
 * | item            | PK                               | SK                      | GSI1 (by expiry)                      | GSI2 (members of a shop)     |
 * |-----------------|----------------------------------|-------------------------|---------------------------------------|------------------------------|
 * | shop            | SHOP#{shop}                      | SHOP                    |                                       |                              |
 * | member          | MEMBER#{shop}#{customer}         | MEMBER                  |                                       | MEMBERS#{shop} / {tier}#{id} |
 * | lot             | MEMBER#{shop}#{customer}         | LOT#{lotId}             | EXPIRES#{day}#{shard} / {at}#{PK}#{SK}|                              |
 * | ledger entry    | MEMBER#{shop}#{customer}         | LEDGER#{occurredAt}#{id}|                                       |                              |
 * | order           | ORDER#{shop}#{orderId}           | ORDER                   |                                       |                              |
 * | idempotency key | IDEMPOTENCY#{shop}#{key}         | IDEMPOTENCY             |                                       |                              |
 * | coupon          | COUPON#{shop}#{code}             | COUPON                  | OUTBOX#{shard} / {nextAttemptAt}#…    |                              |
 *
 * GSI1 is the "due" index: things that fall due at a time (lots expiring, pending coupons to
 * create in Shopify). Items leave it when they are done, so it stays small.
 */

export const GSI_BY_EXPIRY = 'GSI1';
export const GSI_MEMBERS_OF_SHOP = 'GSI2';
/** Lots expiring on one day are spread over this many partitions of the expiry index. */
export const EXPIRY_SHARDS = 4;

export const shopKey = (shop: string) => ({ PK: `SHOP#${shop}`, SK: 'SHOP' });
export const memberPartition = (shop: string, customerId: string) => `MEMBER#${shop}#${customerId}`;
export const memberKey = (shop: string, customerId: string) => ({ PK: memberPartition(shop, customerId), SK: 'MEMBER' });
export const lotKey = (shop: string, customerId: string, lotId: string) => ({ PK: memberPartition(shop, customerId), SK: `LOT#${lotId}` });
export const ledgerKey = (shop: string, customerId: string, occurredAt: string, entryId: string) => ({
  PK: memberPartition(shop, customerId),
  SK: `LEDGER#${occurredAt}#${entryId}`,
});
export const orderKey = (shop: string, orderId: string) => ({ PK: `ORDER#${shop}#${orderId}`, SK: 'ORDER' });
export const idempotencyKey = (shop: string, key: string) => ({ PK: `IDEMPOTENCY#${shop}#${key}`, SK: 'IDEMPOTENCY' });

export const couponKey = (shop: string, code: string) => ({ PK: `COUPON#${shop}#${code}`, SK: 'COUPON' });

export const LOT_PREFIX = 'LOT#';
export const LEDGER_PREFIX = 'LEDGER#';

function shardOf(text: string, shards: number): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % shards;
}

/** The expiry index keys of a lot that still holds points. */
export function expiryIndexKeys(partition: string, sortKey: string, expiresAt: string) {
  return {
    GSI1PK: `EXPIRES#${expiresAt.slice(0, 10)}#${shardOf(partition, EXPIRY_SHARDS)}`,
    GSI1SK: `${expiresAt}#${partition}#${sortKey}`,
  };
}

/** Pending coupons, by when the outbox should next try to create them in Shopify. */
export const OUTBOX_SHARDS = 4;
export function outboxIndexKeys(shop: string, code: string, nextAttemptAt: string) {
  return { GSI1PK: `OUTBOX#${shardOf(code, OUTBOX_SHARDS)}`, GSI1SK: `${nextAttemptAt}#${shop}#${code}` };
}

export const membersOfShopKeys = (shop: string, tier: string, customerId: string) => ({
  GSI2PK: `MEMBERS#${shop}`,
  GSI2SK: `${tier}#${customerId}`,
});
