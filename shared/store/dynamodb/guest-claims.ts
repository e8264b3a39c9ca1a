/**
 * Guest claims in the table: `GUEST#{shop}#{sha256 of email}` / `CLAIM#{orderId}`, listed under
 * the shop (GSI2 `OWNED#`) so `shop/redact` finds them, and gone by themselves (TTL) a week after
 * their claim ends. A claim is written with its guest order's change and marked claimed with the
 * change that grants it, both inside the commit's transaction (`guestClaimWrites`).
 */
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Change } from '../../earning/change.ts';
import type { GuestClaim } from '../../ledger/types.ts';
import type { GuestClaimStore } from '../ports/guest-claims.ts';
import { fromItem } from './items.ts';
import { GUEST_CLAIM_PREFIX, guestClaimKey, guestClaimPartition, ownedByShopKeys } from './keys.ts';
import { queryPages } from './reads.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Days a claim is kept past its end, for a `customers/create` delivered late (dated before the end). */
const KEPT_AFTER_END_DAYS = 7;

export class DynamoDbGuestClaims implements GuestClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async openGuestClaims(shop: string, emailHash: string, limit: number): Promise<GuestClaim[]> {
    const found: GuestClaim[] = [];
    for await (const page of queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :claim)',
      FilterExpression: 'attribute_not_exists(claimedAt)',
      ExpressionAttributeValues: marshall({ ':pk': guestClaimPartition(shop, emailHash), ':claim': GUEST_CLAIM_PREFIX }),
      ConsistentRead: true,
    })) {
      for (const item of page) {
        const { shop: owner, emailHash: hash, orderId, at, currency, points, claimUntil } = fromItem(item) as unknown as GuestClaim;
        found.push({ shop: owner, emailHash: hash, orderId, at, currency, points, claimUntil });
      }
      if (found.length >= limit) break;
    }
    return found.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit);
  }
}

/** The commit's writes for a change's guest claims: a new claim once per order, a claim marked claimed once. */
export function guestClaimWrites(TableName: string, change: Change, claimedBy: string | undefined, now: Date): TransactWriteItem[] {
  const writes: TransactWriteItem[] = [];
  const claim = change.guestClaim;
  if (claim) {
    const key = guestClaimKey(claim.shop, claim.emailHash, claim.orderId);
    const expires = Math.floor(Date.parse(claim.claimUntil) / 1000) + KEPT_AFTER_END_DAYS * 86_400;
    writes.push({
      Put: {
        TableName,
        Item: marshall({ ...key, ...ownedByShopKeys(claim.shop, key.PK), entity: 'guest-claim', ...claim, [TTL_ATTRIBUTE]: expires }),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    });
  }
  for (const claimed of change.claimedGuestOrders ?? []) {
    writes.push({
      Update: {
        TableName,
        Key: marshall(guestClaimKey(claimed.shop, claimed.emailHash, claimed.orderId)),
        UpdateExpression: 'SET claimedAt = :at, claimedBy = :by',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(claimedAt)',
        ExpressionAttributeValues: marshall({ ':at': now.toISOString(), ':by': claimedBy ?? 'unknown' }),
      },
    });
  }
  return writes;
}
