/**
 * Reading what an event needs and committing what it changes: one consistent batch read (the shop
 * from the container's cache when fresh), and one transaction whose conditions (revisions read,
 * a redemption's idempotency key unseen) stand in for locks.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry, Lot, Member, Order } from '../../ledger/types.ts';
import type { Shop } from '../records.ts';
import type { CommitRequest, CommitResult, EventReadRequest, EventReads, EventStore } from '../ports/events.ts';
import type { NotificationRecord } from '../ports/notification-outbox.ts';
import { InvalidCursorError, type Page } from '../ports/page.ts';
import { campaignsKey, couponKey, feedbackItemKeys, idempotencyKey, LEDGER_PREFIX, LOT_PREFIX, lotKey, memberKey, memberPartition, orderKey, ownedByShopKeys, shopKey } from './keys.ts';
import { couponItem, fromItem, ledgerItem, lotItem, memberItem, notificationItem, orderItem, shopItem, toCoupon, toLedgerEntry, toLot, toMember, toOrder, toShop, type Item } from './items.ts';
import { batchGet, queryAll } from './reads.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import { expectRev } from './writes.ts';
import { ShopRecordCache } from './shop-cache.ts';
import type { DynamoDbCampaignStore } from './campaigns.ts';
import { guestClaimWrites } from './guest-claims.ts';
import { referralOrderUpdate } from './referrals.ts';

/** How long a redemption's `Idempotency-Key` (and its answer) is remembered. */
export const IDEMPOTENCY_TTL_DAYS = 7;

export class DynamoDbEventStore implements EventStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly shops: ShopRecordCache = new ShopRecordCache(0),
    /** Where a paid order's campaigns are kept once read with its batch (docs/campaigns.md). */
    private readonly campaigns?: DynamoDbCampaignStore,
  ) {}

  async readForEvent(request: EventReadRequest): Promise<EventReads> {
    const { shop, customerId, orderId } = request;
    const cached = request.now && this.shops.get(shop, request.now);
    const keys: Record<string, { PK: string; SK: string }> = cached ? {} : { shop: shopKey(shop) };
    if (customerId) keys.member = memberKey(shop, customerId);
    if (orderId) keys.order = orderKey(shop, orderId);
    if (customerId && request.lotId) keys.lot = lotKey(shop, customerId, request.lotId);
    (request.couponCodes ?? []).slice(0, 20).forEach((code, i) => (keys[`coupon${i}`] = couponKey(shop, code)));
    const readCampaigns = request.campaigns && request.now && this.campaigns && !this.campaigns.holds(shop, request.now);
    if (readCampaigns) keys.campaigns = campaignsKey(shop);
    const items = await batchGet(this.client, this.tableName, Object.values(keys));
    const find = (name: string) => {
      const key = keys[name];
      return key && items.find((item) => item.PK?.S === key.PK && item.SK?.S === key.SK);
    };
    const shopItem = find('shop');
    if (readCampaigns) this.campaigns!.remember(shop, find('campaigns'), request.now!);
    const shopRecord = cached || (shopItem ? toShop(shopItem) : undefined);
    if (shopRecord && !cached && request.now) this.shops.put(shopRecord, request.now);
    const member = find('member');
    const order = find('order');
    const lot = find('lot');
    return {
      ...(shopRecord ? { shop: shopRecord } : {}),
      ...(member ? { member: toMember(member) } : {}),
      ...(order ? { order: toOrder(order) } : {}),
      ...(lot ? { lot: toLot(lot) } : {}),
      coupons: items.filter((item) => item.SK?.S === 'COUPON').map(toCoupon),
    };
  }

  async getShop(shop: string): Promise<Shop | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(shopKey(shop)), ConsistentRead: true }));
    return Item ? toShop(Item) : undefined;
  }

  async ensureShop(shop: Shop): Promise<Shop> {
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: shopItem(shop, 1), ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return { ...shop, rev: 1 };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getShop(shop.shop))!;
    }
  }

  async getMember(shop: string, customerId: string): Promise<Member | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(memberKey(shop, customerId)), ConsistentRead: true }),
    );
    return Item ? toMember(Item) : undefined;
  }

  async getMemberAndLot(shop: string, customerId: string, lotId: string): Promise<{ member?: Member; lot?: Lot }> {
    const items = await batchGet(this.client, this.tableName, [memberKey(shop, customerId), lotKey(shop, customerId, lotId)]);
    const member = items.find((item) => item.SK?.S === 'MEMBER');
    const lot = items.find((item) => item.SK?.S?.startsWith(LOT_PREFIX));
    return { ...(member ? { member: toMember(member) } : {}), ...(lot ? { lot: toLot(lot) } : {}) };
  }

  async getLots(shop: string, customerId: string, lotIds: string[]): Promise<Lot[]> {
    if (!lotIds.length) return [];
    return (await batchGet(this.client, this.tableName, lotIds.map((lotId) => lotKey(shop, customerId, lotId)))).map(toLot);
  }

  async activeLots(shop: string, customerId: string): Promise<Lot[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :lot)',
      FilterExpression: 'points > :zero AND attribute_not_exists(settledAt)',
      ExpressionAttributeValues: marshall({ ':pk': memberPartition(shop, customerId), ':lot': LOT_PREFIX, ':zero': 0 }),
      ConsistentRead: true,
    });
    return items.map(toLot);
  }

  async ledger(shop: string, customerId: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>> {
    const partition = memberPartition(shop, customerId);
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ledger)',
        ExpressionAttributeValues: marshall({ ':pk': partition, ':ledger': LEDGER_PREFIX }),
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: page.cursor ? decodeCursor(page.cursor, partition) : undefined,
      }),
    );
    const items = (answer.Items ?? []).map(toLedgerEntry);
    const last = answer.LastEvaluatedKey;
    return last ? { items, cursor: encodeCursor(String(fromItem(last).SK)) } : { items };
  }

  async getOrders(shop: string, orderIds: string[]): Promise<Order[]> {
    const keys = [...new Set(orderIds)].map((id) => orderKey(shop, id));
    return (await batchGet(this.client, this.tableName, keys)).map(toOrder);
  }

  async getOrderAndLot(shop: string, orderId: string, customerId: string, lotId: string): Promise<{ order?: Order; lot?: Lot }> {
    const items = await batchGet(this.client, this.tableName, [orderKey(shop, orderId), lotKey(shop, customerId, lotId)]);
    const order = items.find((item) => item.entity?.S === 'order');
    const lot = items.find((item) => item.entity?.S === 'lot');
    return { ...(order ? { order: toOrder(order) } : {}), ...(lot ? { lot: toLot(lot) } : {}) };
  }

  async commit({ shop, change, idempotencyKeys, shopRecord, idempotencyResult, now }: CommitRequest): Promise<CommitResult> {
    const TableName = this.tableName;
    const expiresAtEpoch = Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_DAYS * 86_400;
    const writes: TransactWriteItem[] = (idempotencyKeys ?? []).map((key) => ({
      Put: {
        TableName,
        Item: marshall(
          { ...idempotencyKey(shop, key), ...ownedByShopKeys(shop, idempotencyKey(shop, key).PK), entity: 'idempotency', recordedAt: now.toISOString(), [TTL_ATTRIBUTE]: expiresAtEpoch, result: idempotencyResult },
          { removeUndefinedValues: true },
        ),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    }));
    if (shopRecord) writes.push({ Put: { TableName, Item: shopItem(shopRecord, shopRecord.rev + 1), ...expectRev(shopRecord.rev) } });
    const { member, order } = change;
    if (member) writes.push({ Put: { TableName, Item: memberItem(member, member.rev + 1), ...expectRev(member.rev, change.memberMinBalance) } });
    for (const written of [...(order ? [order] : []), ...(change.orders ?? [])]) {
      writes.push({ Put: { TableName, Item: orderItem(written, written.rev + 1), ...expectRev(written.rev) } });
    }
    const owner = member?.customerId ?? order?.customerId;
    if (owner) {
      for (const lot of change.lots) writes.push({ Put: { TableName, Item: lotItem(shop, owner, lot) } });
      for (const entry of change.entries) {
        writes.push({ Put: { TableName, Item: ledgerItem(shop, owner, entry), ConditionExpression: 'attribute_not_exists(PK)' } });
      }
    }
    for (const coupon of change.coupons ?? []) {
      // Codes are unique: a collision cancels the transaction and the caller retries with a new code.
      writes.push({ Put: { TableName, Item: couponItem(coupon), ConditionExpression: 'attribute_not_exists(PK)' } });
    }
    for (const use of change.couponUses ?? []) {
      writes.push({
        Update: {
          TableName,
          Key: marshall(couponKey(shop, use.code)),
          UpdateExpression: 'SET #status = :used, usedAt = :at, usedOrderId = :order REMOVE GSI1PK, GSI1SK',
          ConditionExpression: 'attribute_exists(PK) AND #status <> :used',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':used': 'used', ':at': use.at, ':order': use.orderId }),
        },
      });
    }
    for (const referral of change.referralOrders ?? []) writes.push({ Update: referralOrderUpdate(TableName, shop, referral) });
    if (change.feedback) {
      const { feedback } = change;
      writes.push({
        Put: {
          TableName,
          Item: marshall({ ...feedbackItemKeys(shop, feedback.customerId, feedback.at, feedback.id), entity: 'feedback', shop, ...feedback }, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      });
    }
    writes.push(...guestClaimWrites(TableName, change, member?.customerId, now));
    for (const notification of change.notifications ?? []) {
      const record: NotificationRecord = { notification, status: 'pending', attempts: 0, dueAt: now.toISOString() };
      writes.push({ Put: { TableName, Item: notificationItem(record), ConditionExpression: 'attribute_not_exists(PK)' } });
    }
    if (writes.length === 0) return 'committed';
    // A write to the shop record makes the cached copy stale: the record written replaces it, and
    // a refused write leaves none, so the next read goes to the table.
    if (shopRecord) this.shops.forget(shop);
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes, ClientRequestToken: randomUUID() }));
      if (shopRecord) this.shops.put({ ...shopRecord, rev: shopRecord.rev + 1 }, now);
      return 'committed';
    } catch (error) {
      if (error instanceof TransactionConflictException) return 'conflict';
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const replayed = reasons.slice(0, (idempotencyKeys ?? []).length).some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (replayed) return 'duplicate';
      if (reasons.length === 0 || reasons.every((reason) => ['None', 'ConditionalCheckFailed', 'TransactionConflict', undefined].includes(reason.Code))) {
        return 'conflict';
      }
      throw error;
    }
  }

  async idempotencyResult(shop: string, key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(idempotencyKey(shop, key)), ConsistentRead: true }),
    );
    return Item ? (fromItem(Item).result as Record<string, unknown> | undefined) : undefined;
  }
}

function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, partition: string): Item {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sortKey.startsWith(LEDGER_PREFIX) || sortKey.length > 300) throw new InvalidCursorError();
  return marshall({ PK: partition, SK: sortKey });
}
