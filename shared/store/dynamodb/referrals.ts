/**
 * Referrals in the table (keys in `keys.ts`): codes unique by conditional puts, a claim written
 * whole in one transaction, the friend's order added by the order's own transaction
 * (`referralOrderUpdate`), and settlement conditional on the status read.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
  type Update,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Coupon } from '../../rewards/coupon.ts';
import type { Referral, ReferralCode, ReferralOrderWrite, ReferralStatus } from '../../referrals/types.ts';
import type { ClaimResult, DueReferral, FriendClaim, ReferralCredit, ReferralStore } from '../ports/referrals.ts';
import { InvalidCursorError, type Page } from '../ports/page.ts';
import { couponItem, fromItem, ledgerItem, lotItem, memberItem, type Item } from './items.ts';
import {
  advocateCodeKey,
  DUE_SHARDS,
  dueIndexKeys,
  GSI_BY_EXPIRY,
  GSI_MEMBERS_OF_SHOP,
  ownedByShopKeys,
  REFERRAL_PREFIX,
  referralCodeKey,
  referralFriendKey,
  referralKey,
  referralsOfShopKeys,
} from './keys.ts';
import { batchGet, queryAll, queryPages } from './reads.ts';
import { expectRev } from './writes.ts';

const INDEX_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'entity'];

function strip<T>(item: Item): T {
  const record = fromItem(item);
  for (const key of INDEX_ATTRIBUTES) delete record[key];
  return record as T;
}

/** A referral as stored: listed by status; due while claimed with an order in. */
export function referralItem(referral: Referral): Item {
  const key = referralKey(referral.shop, referral.advocateId, referral.id);
  const due = referral.status === 'claimed' && referral.order ? dueIndexKeys('REFERRAL', key.PK, key.SK, referral.order.dueAt) : {};
  // `customerId` (the advocate) and `shop` are what the due index projects.
  return marshall({ ...key, ...due, ...referralsOfShopKeys(referral.shop, referral.status, referral.claimedAt, referral.id), entity: 'referral', customerId: referral.advocateId, ...referral }, { removeUndefinedValues: true });
}

const toReferral = (item: Item): Referral => {
  const { customerId: _advocate, ...referral } = strip<Referral & { customerId?: string }>(item);
  return referral;
};

/**
 * The order's transaction adds its facts to the referral and makes it due. Never conditional: a
 * referral must not cancel the order's points. `if_not_exists` keeps the first order's facts; the
 * job settles only a referral still `claimed`, and drops any other from the index.
 */
export function referralOrderUpdate(TableName: string, shop: string, write: ReferralOrderWrite): Update {
  const key = referralKey(shop, write.advocateId, write.referralId);
  const due = dueIndexKeys('REFERRAL', key.PK, key.SK, write.order.dueAt);
  return {
    TableName,
    Key: marshall(key),
    UpdateExpression: 'SET #order = if_not_exists(#order, :order), GSI1PK = if_not_exists(GSI1PK, :pk), GSI1SK = if_not_exists(GSI1SK, :sk), shop = :shop, customerId = :advocate',
    ExpressionAttributeNames: { '#order': 'order' },
    ExpressionAttributeValues: marshall({ ':order': write.order, ':pk': due.GSI1PK, ':sk': due.GSI1SK, ':shop': shop, ':advocate': write.advocateId }, { removeUndefinedValues: true }),
  };
}

export class DynamoDbReferralStore implements ReferralStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  private async get(key: { PK: string; SK: string }): Promise<Item | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(key), ConsistentRead: true }));
    return Item;
  }

  async advocateCode(shop: string, customerId: string): Promise<ReferralCode | undefined> {
    const item = await this.get(advocateCodeKey(shop, customerId));
    return item ? strip<ReferralCode>(item) : undefined;
  }

  async findCode(shop: string, code: string): Promise<ReferralCode | undefined> {
    const item = await this.get(referralCodeKey(shop, code));
    return item ? strip<ReferralCode>(item) : undefined;
  }

  async createAdvocateCode(code: ReferralCode): Promise<'created' | 'code-taken' | 'has-code'> {
    const byCode = referralCodeKey(code.shop, code.code);
    const byAdvocate = advocateCodeKey(code.shop, code.customerId);
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: marshall({ ...byCode, ...ownedByShopKeys(code.shop, byCode.PK), entity: 'referral-code', ...code }), ConditionExpression: 'attribute_not_exists(PK)' } },
            // Indexed under the shop: `shop/redact` finds the partition of an advocate who is no member.
            { Put: { TableName: this.tableName, Item: marshall({ ...byAdvocate, ...ownedByShopKeys(code.shop, byAdvocate.PK), entity: 'advocate-code', ...code }), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
          ClientRequestToken: randomUUID(),
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof TransactionConflictException) return 'has-code';
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [codeReason, advocateReason] = error.CancellationReasons ?? [];
      if (advocateReason?.Code === 'ConditionalCheckFailed') return 'has-code';
      if (codeReason?.Code === 'ConditionalCheckFailed') return 'code-taken';
      return 'has-code';
    }
  }

  async saveClaim(referral: Referral, coupon: Coupon, friendKey: string): Promise<ClaimResult> {
    const friend = referralFriendKey(referral.shop, friendKey);
    const claim: FriendClaim = { referralId: referral.id, advocateId: referral.advocateId, couponCode: referral.couponCode };
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: marshall({ ...friend, ...ownedByShopKeys(referral.shop, friend.PK), entity: 'referral-friend', shop: referral.shop, ...claim, claimedAt: referral.claimedAt }), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: this.tableName, Item: referralItem(referral), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName: this.tableName, Item: couponItem(coupon), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
          ClientRequestToken: randomUUID(),
        }),
      );
      return 'saved';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [friendReason, referralReason, couponReason] = error.CancellationReasons ?? [];
      if (friendReason?.Code === 'ConditionalCheckFailed' || referralReason?.Code === 'ConditionalCheckFailed') {
        const earlier = await this.friendClaim(referral.shop, friendKey);
        if (earlier) return { claimedBefore: earlier };
      }
      if (couponReason?.Code === 'ConditionalCheckFailed') return 'coupon-code-taken';
      throw error;
    }
  }

  async friendClaim(shop: string, friendKey: string): Promise<FriendClaim | undefined> {
    const item = await this.get(referralFriendKey(shop, friendKey));
    if (!item) return undefined;
    const { referralId, advocateId, couponCode } = fromItem(item) as unknown as FriendClaim;
    return { referralId, advocateId, couponCode };
  }

  async getReferral(shop: string, advocateId: string, id: string): Promise<Referral | undefined> {
    const item = await this.get(referralKey(shop, advocateId, id));
    return item && fromItem(item).status ? toReferral(item) : undefined;
  }

  async advocateReferrals(shop: string, advocateId: string): Promise<Referral[]> {
    const { PK } = referralKey(shop, advocateId, '');
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: marshall({ ':pk': PK, ':prefix': REFERRAL_PREFIX }),
      ConsistentRead: true,
    });
    return items.filter((item) => fromItem(item).status).map(toReferral);
  }

  async listReferrals(shop: string, query: { status?: ReferralStatus; limit: number; cursor?: string }): Promise<Page<Referral>> {
    const partition = referralsOfShopKeys(shop, '', '', '').GSI2PK;
    let start: Item | undefined;
    if (query.cursor) {
      let cursor: { PK?: unknown; SK?: unknown; GSI2SK?: unknown };
      try {
        cursor = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      const prefix = `MEMBER#${shop}#`;
      if (typeof cursor.PK !== 'string' || typeof cursor.SK !== 'string' || typeof cursor.GSI2SK !== 'string' || !cursor.PK.startsWith(prefix) || !cursor.SK.startsWith(REFERRAL_PREFIX)) throw new InvalidCursorError();
      start = marshall({ GSI2PK: partition, GSI2SK: cursor.GSI2SK, PK: cursor.PK, SK: cursor.SK });
    }
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI_MEMBERS_OF_SHOP,
        KeyConditionExpression: query.status ? 'GSI2PK = :pk AND begins_with(GSI2SK, :status)' : 'GSI2PK = :pk',
        ExpressionAttributeValues: marshall({ ':pk': partition, ...(query.status ? { ':status': `${query.status}#` } : {}) }),
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: start,
      }),
    );
    const keys = (answer.Items ?? []).map((item) => ({ PK: String(item.PK?.S), SK: String(item.SK?.S) }));
    const found = keys.length ? (await batchGet(this.client, this.tableName, keys)).map((item) => ({ key: `${item.PK?.S}|${item.SK?.S}`, referral: toReferral(item) })) : [];
    const position = new Map(keys.map((key, i) => [`${key.PK}|${key.SK}`, i]));
    const items = found.sort((a, b) => position.get(a.key)! - position.get(b.key)!).map((found) => found.referral);
    const last = answer.LastEvaluatedKey ? fromItem(answer.LastEvaluatedKey) : undefined;
    return last ? { items, cursor: Buffer.from(JSON.stringify({ PK: last.PK, SK: last.SK, GSI2SK: last.GSI2SK }), 'utf8').toString('base64url') } : { items };
  }

  async *dueReferralPages(before: string, pageSize = 100): AsyncGenerator<DueReferral[]> {
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      for await (const page of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: GSI_BY_EXPIRY,
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :before',
        ExpressionAttributeValues: marshall({ ':pk': `REFERRAL#${shard}`, ':before': `${before}#\uffff` }),
        Limit: pageSize,
      })) {
        const due = page.map((item) => {
          const record = fromItem(item);
          return { shop: String(record.shop), advocateId: String(record.customerId), id: String(record.SK).slice(REFERRAL_PREFIX.length) };
        });
        if (due.length) yield due;
      }
    }
  }

  async dropDueReferral(due: DueReferral): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({ TableName: this.tableName, Key: marshall(referralKey(due.shop, due.advocateId, due.id)), UpdateExpression: 'REMOVE GSI1PK, GSI1SK', ConditionExpression: 'attribute_exists(PK)' }),
    ).catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async settleReferral(next: Referral, expected: ReferralStatus, credit?: ReferralCredit): Promise<'saved' | 'stale' | 'conflict'> {
    const TableName = this.tableName;
    const writes: TransactWriteItem[] = [
      { Put: { TableName, Item: referralItem(next), ConditionExpression: '#status = :expected', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: marshall({ ':expected': expected }) } },
    ];
    if (credit) {
      const { member, lot, entry } = credit;
      writes.push(
        { Put: { TableName, Item: memberItem(member, member.rev + 1), ...expectRev(member.rev) } },
        { Put: { TableName, Item: lotItem(next.shop, member.customerId, lot), ConditionExpression: 'attribute_not_exists(PK)' } },
        { Put: { TableName, Item: ledgerItem(next.shop, member.customerId, entry), ConditionExpression: 'attribute_not_exists(PK)' } },
      );
    }
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes, ClientRequestToken: randomUUID() }));
      return 'saved';
    } catch (error) {
      if (error instanceof TransactionConflictException) return 'conflict';
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'stale';
      // The lot or entry exists: the advocate was paid for this referral already.
      if (reasons[2]?.Code === 'ConditionalCheckFailed' || reasons[3]?.Code === 'ConditionalCheckFailed') return 'stale';
      return 'conflict';
    }
  }
}

