/** The DynamoDB adapter of the storage port: one table, conditions instead of read-modify-write. */
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactionConflictException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  BatchWriteItemCommand,
  type AttributeValue,
  type WriteRequest,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry, Lot, Member, Order } from '../../ledger/types.ts';
import type { Coupon, CouponStatus } from '../../rewards/coupon.ts';
import type { Notification } from '../../notify/notification.ts';
import type { ProgramChange } from '../../admin/program-settings.ts';
import type { StatsUpdate } from '../../kpis/stats.ts';
import type { ExportRequest } from '../../privacy/privacy.ts';
import { InvalidCursorError, type DueLot, type NotificationRecord, type NotificationRef, type CommitRequest, type CommitResult, type EventReadRequest, type EventReads, type LoyaltyStore, type Page, type Shop } from '../ports.ts';
import { couponKey, DUE_SHARDS, dueIndexKeys, GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP, idempotencyKey, LEDGER_PREFIX, LOT_PREFIX, feedbackItemKeys, lotKey, memberKey, memberPartition, membersOfShopKeys, statsKey, statsKeys, notificationKey, NOTIFICATION_PREFIX, exportRequestKey, PROGRAM_VERSION_PREFIX, orderKey, OUTBOX_SHARDS, ownedByShopKeys, shopKey, SHOPS_PARTITION, type DueKind } from './keys.ts';
import { couponItem, fromItem, ledgerItem, lotItem, memberItem, notificationItem, orderItem, programVersionItem, shopItem, toCoupon, toLedgerEntry, toLot, toMember, toNotificationRecord, toOrder, toProgramChange, toShop, type Item } from './items.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** How long a webhook id is remembered: past Shopify's retry window of 48 hours, with room. */
export const IDEMPOTENCY_TTL_DAYS = 7;

export class DynamoDbStore implements LoyaltyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readForEvent(request: EventReadRequest): Promise<EventReads> {
    const { shop, customerId, orderId } = request;
    const keys: Record<string, { PK: string; SK: string }> = { shop: shopKey(shop) };
    request.idempotencyKeys.forEach((key, i) => (keys[`seen${i}`] = idempotencyKey(shop, key)));
    if (customerId) keys.member = memberKey(shop, customerId);
    if (orderId) keys.order = orderKey(shop, orderId);
    if (customerId && request.lotId) keys.lot = lotKey(shop, customerId, request.lotId);
    (request.couponCodes ?? []).slice(0, 20).forEach((code, i) => (keys[`coupon${i}`] = couponKey(shop, code)));
    const items = await this.batchGet(Object.values(keys));
    const find = (name: string) => {
      const key = keys[name];
      return key && items.find((item) => item.PK?.S === key.PK && item.SK?.S === key.SK);
    };
    const shopItem = find('shop');
    const member = find('member');
    const order = find('order');
    const lot = find('lot');
    return {
      ...(shopItem ? { shop: toShop(shopItem) } : {}),
      ...(member ? { member: toMember(member) } : {}),
      ...(order ? { order: toOrder(order) } : {}),
      ...(lot ? { lot: toLot(lot) } : {}),
      coupons: items.filter((item) => item.SK?.S === 'COUPON').map(toCoupon),
      seen: request.idempotencyKeys.some((_, i) => find(`seen${i}`) !== undefined),
    };
  }

  private async batchGet(keys: { PK: string; SK: string }[]): Promise<Item[]> {
    const found: Item[] = [];
    let pending = keys.map((key) => marshall(key));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      const answer = await this.client.send(
        new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(answer.Responses?.[this.tableName] ?? []));
      pending = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
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
    const items = await this.batchGet([memberKey(shop, customerId), lotKey(shop, customerId, lotId)]);
    const member = items.find((item) => item.SK?.S === 'MEMBER');
    const lot = items.find((item) => item.SK?.S?.startsWith(LOT_PREFIX));
    return { ...(member ? { member: toMember(member) } : {}), ...(lot ? { lot: toLot(lot) } : {}) };
  }

  async getLots(shop: string, customerId: string, lotIds: string[]): Promise<Lot[]> {
    if (!lotIds.length) return [];
    return (await this.batchGet(lotIds.map((lotId) => lotKey(shop, customerId, lotId)))).map(toLot);
  }

  async activeLots(shop: string, customerId: string): Promise<Lot[]> {
    const lots: Lot[] = [];
    let start: Item | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :lot)',
          FilterExpression: 'points > :zero AND attribute_not_exists(settledAt)',
          ExpressionAttributeValues: marshall({ ':pk': memberPartition(shop, customerId), ':lot': LOT_PREFIX, ':zero': 0 }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      lots.push(...(answer.Items ?? []).map(toLot));
      start = answer.LastEvaluatedKey;
    } while (start);
    return lots;
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

  async commit({ shop, change, idempotencyKeys, shopRecord, idempotencyResult, now }: CommitRequest): Promise<CommitResult> {
    const TableName = this.tableName;
    const expiresAtEpoch = Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_DAYS * 86_400;
    const writes: TransactWriteItem[] = idempotencyKeys.map((key) => ({
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
    writes.push(...statsWrites(TableName, shop, change.stats ?? []));
    for (const notification of change.notifications ?? []) {
      const record: NotificationRecord = { notification, status: 'pending', attempts: 0, dueAt: now.toISOString() };
      writes.push({ Put: { TableName, Item: notificationItem(record), ConditionExpression: 'attribute_not_exists(PK)' } });
    }
    if (writes.length === 0) return 'committed';
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes, ClientRequestToken: randomUUID() }));
      return 'committed';
    } catch (error) {
      if (error instanceof TransactionConflictException) return 'conflict';
      // A day's figures item full (DynamoDB's 400 KB) must never stop points from being earned:
      // write the change again with the counters but without the day's sets.
      // If even the counters do not fit, the change goes without its figures.
      if (tooLarge(error) && (change.stats ?? []).length > 0) {
        const withSets = (change.stats ?? []).some((update) => update.addToSet);
        const stats = withSets ? (change.stats ?? []).map(({ addToSet: _full, ...update }) => update) : [];
        return this.commit({ shop, change: { ...change, stats }, idempotencyKeys, ...(shopRecord ? { shopRecord } : {}), ...(idempotencyResult ? { idempotencyResult } : {}), now });
      }
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const replayed = reasons.slice(0, idempotencyKeys.length).some((reason) => reason.Code === 'ConditionalCheckFailed');
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

  async getCoupon(shop: string, code: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(couponKey(shop, code)), ConsistentRead: true }));
    return Item ? toCoupon(Item) : undefined;
  }

  async saveCoupon(coupon: Coupon, expected: CouponStatus, expectedAttempts?: number): Promise<boolean> {
    const attempts = expectedAttempts !== undefined;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: couponItem(coupon),
          ConditionExpression: attempts ? '#status = :expected AND #attempts = :attempts' : '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status', ...(attempts ? { '#attempts': 'attempts' } : {}) },
          ExpressionAttributeValues: marshall({ ':expected': expected, ...(attempts ? { ':attempts': expectedAttempts } : {}) }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async dueCoupons(now: Date, limit: number): Promise<{ shop: string; code: string }[]> {
    const due: { shop: string; code: string; at: string }[] = [];
    for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI_BY_EXPIRY,
          KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :now',
          ExpressionAttributeValues: marshall({ ':pk': `OUTBOX#${shard}`, ':now': `${now.toISOString()}#\uffff` }),
          Limit: limit,
        }),
      );
      for (const item of answer.Items ?? []) {
        // The sort key says it all: `{nextAttemptAt}#{shop}#{code}` (neither holds a '#').
        const [at = '', shop = '', code = ''] = String(fromItem(item).GSI1SK).split('#');
        due.push({ shop, code, at });
      }
    }
    return due.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit).map(({ shop, code }) => ({ shop, code }));
  }

  async refundCoupon(coupon: Coupon, refund: { lot: Lot; entry: LedgerEntry; stats?: StatsUpdate[] }): Promise<boolean> {
    const TableName = this.tableName;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [
            {
              Put: {
                TableName,
                Item: couponItem(coupon),
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({ ':pending': 'pending' }),
              },
            },
            {
              // ADD is commutative; the revision moves so that any write based on an older read retries.
              Update: {
                TableName,
                Key: marshall(memberKey(coupon.shop, coupon.customerId)),
                UpdateExpression: 'ADD balance :points, #rev :one',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeNames: { '#rev': 'rev' },
                ExpressionAttributeValues: marshall({ ':points': refund.lot.points, ':one': 1 }),
              },
            },
            { Put: { TableName, Item: lotItem(coupon.shop, coupon.customerId, refund.lot), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: ledgerItem(coupon.shop, coupon.customerId, refund.entry), ConditionExpression: 'attribute_not_exists(PK)' } },
            ...statsWrites(TableName, coupon.shop, refund.stats ?? []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async listShops(): Promise<Shop[]> {
    const keys: { PK: string; SK: string }[] = [];
    let start: Item | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI_MEMBERS_OF_SHOP,
          KeyConditionExpression: 'GSI2PK = :shops',
          ExpressionAttributeValues: marshall({ ':shops': SHOPS_PARTITION }),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of answer.Items ?? []) keys.push({ PK: String(item.PK?.S), SK: String(item.SK?.S) });
      start = answer.LastEvaluatedKey;
    } while (start);
    const shops: Shop[] = [];
    for (let i = 0; i < keys.length; i += 100) shops.push(...(await this.batchGet(keys.slice(i, i + 100))).map(toShop));
    return shops;
  }

  /** One kind of due item across its shards, by time: `after < at <= before`, oldest first. */
  private async due(kind: DueKind, before: string, limit: number, after?: string): Promise<{ record: Record<string, unknown>; at: string }[]> {
    const found: { record: Record<string, unknown>; at: string }[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const range = after ? 'GSI1SK BETWEEN :after AND :before' : 'GSI1SK <= :before';
      let start: Item | undefined;
      let taken = 0;
      do {
        const answer = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI_BY_EXPIRY,
            KeyConditionExpression: `GSI1PK = :pk AND ${range}`,
            ExpressionAttributeValues: marshall({ ':pk': `${kind}#${shard}`, ':before': `${before}#\uffff`, ...(after ? { ':after': `${after}#\uffff` } : {}) }),
            Limit: limit,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of answer.Items ?? []) {
          const record = fromItem(item);
          found.push({ record, at: String(record.GSI1SK).slice(0, 24) });
          taken++;
        }
        start = answer.LastEvaluatedKey;
      } while (start && taken < limit);
    }
    return found.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit);
  }

  async dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]> {
    return (await this.due(kind, before, limit, after)).map(({ record, at }) => ({
      shop: String(record.shop),
      customerId: String(record.customerId),
      lotId: String(record.SK).slice(LOT_PREFIX.length),
      at,
    }));
  }

  async dropEmptyDueLot(kind: 'EXPIRES' | 'PENDING', lot: DueLot): Promise<boolean> {
    const key = lotKey(lot.shop, lot.customerId, lot.lotId);
    const { GSI1PK, GSI1SK } = dueIndexKeys(kind, key.PK, key.SK, lot.at);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(key),
          UpdateExpression: 'REMOVE GSI1PK, GSI1SK',
          // Only the entry read, and only while the lot is empty: a lot given points again stays due.
          ConditionExpression: 'GSI1PK = :pk AND GSI1SK = :sk AND points <= :zero',
          ExpressionAttributeValues: marshall({ ':pk': GSI1PK, ':sk': GSI1SK, ':zero': 0 }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async dueMembers(before: string, limit: number): Promise<{ shop: string; customerId: string }[]> {
    return (await this.due('LAPSE', before, limit)).map(({ record }) => ({ shop: String(record.shop), customerId: String(record.customerId) }));
  }

  async saveProgram(current: Shop, next: Shop, change: ProgramChange): Promise<boolean> {
    const TableName = this.tableName;
    const shopWrite = current.rev === 0 ? { ConditionExpression: 'attribute_not_exists(PK)' } : expectRev(current.rev);
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [
            { Put: { TableName, Item: shopItem(next, current.rev + 1), ...shopWrite } },
            { Put: { TableName, Item: programVersionItem(next.shop, change), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException || error instanceof TransactionConflictException) return false;
      throw error;
    }
  }

  async programHistory(shop: string, limit: number): Promise<ProgramChange[]> {
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :version)',
        ExpressionAttributeValues: marshall({ ':pk': shopKey(shop).PK, ':version': PROGRAM_VERSION_PREFIX }),
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (answer.Items ?? []).map(toProgramChange);
  }

  async readStats(shop: string, buckets: string[]): Promise<{ counters: Record<string, number>; sets: Record<string, string[]> }[]> {
    const keys = buckets.flatMap((bucket) => statsKeys(shop, bucket));
    const results: { counters: Record<string, number>; sets: Record<string, string[]> }[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      for (const item of await this.batchGet(keys.slice(i, i + 100))) {
        const counters: Record<string, number> = {};
        const sets: Record<string, string[]> = {};
        for (const [name, value] of Object.entries(item)) {
          if (value.N !== undefined) counters[name] = Number(value.N);
          if (value.SS !== undefined) sets[name] = value.SS;
        }
        results.push({ counters, sets });
      }
    }
    return results;
  }

  private async partitionKeys(partition: string, prefix?: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
          ExpressionAttributeValues: marshall({ ':pk': partition, ...(prefix ? { ':prefix': prefix } : {}) }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(answer.Items ?? []));
      start = answer.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async memberRecords(shop: string, customerId: string): Promise<Record<string, unknown>[]> {
    return (await this.partitionKeys(memberPartition(shop, customerId))).map((item) => {
      const record = fromItem(item);
      for (const key of ['PK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK']) delete record[key];
      return record;
    });
  }

  async getOrders(shop: string, orderIds: string[]): Promise<Order[]> {
    const keys = [...new Set(orderIds)].map((id) => orderKey(shop, id));
    const found: Order[] = [];
    for (let i = 0; i < keys.length; i += 100) found.push(...(await this.batchGet(keys.slice(i, i + 100))).map(toOrder));
    return found;
  }

  async getCoupons(shop: string, codes: string[]): Promise<Coupon[]> {
    const keys = [...new Set(codes)].map((code) => couponKey(shop, code));
    const found: Coupon[] = [];
    for (let i = 0; i < keys.length; i += 100) found.push(...(await this.batchGet(keys.slice(i, i + 100))).map(toCoupon));
    return found;
  }

  async takeRateToken(shop: string, key: string, windowStart: string, limit: number, expiresAt: Date): Promise<boolean> {
    const partition = `RATE#${shop}#${key}`;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall({ PK: partition, SK: windowStart }),
          // Indexed under the shop, so that shop/redact finds it.
          UpdateExpression: 'ADD #count :one SET #expires = :expires, entity = :entity, GSI2PK = :owner, GSI2SK = :pk',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expires': TTL_ATTRIBUTE },
          ExpressionAttributeValues: marshall({ ':one': 1, ':limit': limit, ':expires': Math.floor(expiresAt.getTime() / 1000), ':entity': 'rate-limit', ':owner': ownedByShopKeys(shop, partition).GSI2PK, ':pk': partition }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async queueExportRequest(request: ExportRequest, dueAt: string): Promise<void> {
    const key = exportRequestKey(request.shop, request.customerId, request.requestId);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          // Indexed under the shop: the customer may not be a member, and shop/redact must find it.
          Item: marshall({ ...key, ...dueIndexKeys('EXPORT', key.PK, key.SK, dueAt), ...ownedByShopKeys(request.shop, key.PK), entity: 'export-request', ...request, status: 'pending', requestedAt: dueAt }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // asked for before: one export
    }
  }

  async dueExportRequests(before: string, limit: number): Promise<ExportRequest[]> {
    const due = await this.due('EXPORT', before, limit);
    const found = due.length ? await this.batchGet(due.map(({ record }) => ({ PK: String(record.PK), SK: String(record.SK) }))) : [];
    return found.map((item) => {
      const { shop, customerId, orderIds, requestId } = fromItem(item) as unknown as ExportRequest;
      return { shop, customerId, orderIds, requestId };
    });
  }

  async completeExportRequest(request: ExportRequest, location: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(exportRequestKey(request.shop, request.customerId, request.requestId)),
        UpdateExpression: 'SET #status = :done, #location = :location, completedAt = :at REMOVE GSI1PK, GSI1SK',
        ExpressionAttributeNames: { '#status': 'status', '#location': 'location' },
        ExpressionAttributeValues: marshall({ ':done': 'done', ':location': location, ':at': at }),
      }),
    );
  }

  async redactMemberRecords(shop: string, customerId: string): Promise<number> {
    const partition = memberPartition(shop, customerId);
    let changed = 0;
    const redact = async (prefix: string, expression: string, names: Record<string, string>) => {
      for (const item of await this.partitionKeys(partition, prefix)) {
        await this.client.send(
          new UpdateItemCommand({ TableName: this.tableName, Key: { PK: item.PK!, SK: item.SK! }, UpdateExpression: expression, ExpressionAttributeNames: names }),
        );
        changed++;
      }
    };
    await redact(NOTIFICATION_PREFIX, 'REMOVE #n.#email, #n.#first', { '#n': 'notification', '#email': 'email', '#first': 'firstName' });
    await redact('FEEDBACK#', 'REMOVE #comment', { '#comment': 'comment' });
    return changed;
  }

  async eraseShop(shop: string, options: { maxItems?: number } = {}): Promise<{ erased: number; done: boolean }> {
    const budget = options.maxItems ?? Number.POSITIVE_INFINITY;
    let erased = 0;
    type Key = { PK: AttributeValue; SK: AttributeValue };
    const keyOf = (item: Item): Key => ({ PK: item.PK!, SK: item.SK! });
    /** Deletes `keys` in order, 25 at a time, as far as the budget goes; false when it ran out. */
    const remove = async (keys: Key[]): Promise<boolean> => {
      const taken = keys.slice(0, Math.max(0, budget - erased));
      for (let i = 0; i < taken.length; i += 25) {
        let pending: WriteRequest[] = taken.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const answer = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
          pending = answer.UnprocessedItems?.[this.tableName] ?? [];
        }
      }
      erased += taken.length;
      return taken.length === keys.length;
    };
    /**
     * A whole partition, its index entries last: the items that carry one (a member, a survey
     * answer, an export request, the shop) are what finds the partition again after a stop, so
     * they go only once everything else in it is gone.
     */
    const removePartition = async (partition: string): Promise<boolean> => {
      const items = await this.partitionKeys(partition);
      const anchors = items.filter((item) => item.GSI2PK !== undefined);
      return (await remove(items.filter((item) => item.GSI2PK === undefined).map(keyOf))) && (await remove(anchors.map(keyOf)));
    };
    /** Every entry of a GSI2 partition, a page at a time; false when `each` ran out of budget. */
    const throughIndex = async (partition: string, each: (page: Item[]) => Promise<boolean>): Promise<boolean> => {
      let start: Item | undefined;
      do {
        const answer = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: GSI_MEMBERS_OF_SHOP,
            KeyConditionExpression: 'GSI2PK = :pk',
            ExpressionAttributeValues: marshall({ ':pk': partition }),
            Limit: 100,
            ExclusiveStartKey: start,
          }),
        );
        if (!(await each(answer.Items ?? []))) return false;
        start = answer.LastEvaluatedKey;
      } while (start);
      return true;
    };
    const done =
      // Members' partitions: member, lots, ledger, messages, answers, reminders.
      (await throughIndex(membersOfShopKeys(shop, '', '').GSI2PK, async (members) => {
        for (const member of members) if (!(await removePartition(String(member.PK?.S)))) return false;
        return true;
      })) &&
      // What the shop owns elsewhere: orders, coupons, figures, delivery ids, rate limits, and the
      // partitions of customers who are not members (survey answers, export requests).
      (await throughIndex(ownedByShopKeys(shop, '').GSI2PK, async (owned) => {
        for (const item of owned) if (String(item.PK?.S).startsWith('MEMBER#') && !(await removePartition(String(item.PK?.S)))) return false;
        return remove(owned.filter((item) => !String(item.PK?.S).startsWith('MEMBER#')).map(keyOf));
      })) &&
      // Last, the shop's partition (program versions, then the shop itself): until it is gone, the
      // shop is still listed, and a re-delivered shop/redact or the next run finishes the job.
      (await removePartition(shopKey(shop).PK));
    return { erased, done };
  }

  async listMembers(shop: string, query: { tier?: string; limit: number; cursor?: string }): Promise<Page<Member>> {
    const partition = membersOfShopKeys(shop, '', '').GSI2PK;
    let start: Item | undefined;
    if (query.cursor) {
      const sortKey = Buffer.from(query.cursor, 'base64url').toString('utf8');
      const [tier, customerId] = sortKey.split('#');
      if (!tier || !customerId || !/^[0-9]+$/.test(customerId)) throw new InvalidCursorError();
      start = marshall({ GSI2PK: partition, GSI2SK: sortKey, ...memberKey(shop, customerId) });
    }
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI_MEMBERS_OF_SHOP,
        KeyConditionExpression: query.tier ? 'GSI2PK = :pk AND begins_with(GSI2SK, :tier)' : 'GSI2PK = :pk',
        ExpressionAttributeValues: marshall({ ':pk': partition, ...(query.tier ? { ':tier': `${query.tier}#` } : {}) }),
        Limit: query.limit,
        ExclusiveStartKey: start,
      }),
    );
    const keys = (answer.Items ?? []).map((item) => ({ PK: String(item.PK?.S), SK: String(item.SK?.S) }));
    const found = keys.length ? (await this.batchGet(keys)).map(toMember) : [];
    const order = new Map(keys.map((key, i) => [key.PK, i]));
    const items = found.sort((a, b) => order.get(memberKey(a.shop, a.customerId).PK)! - order.get(memberKey(b.shop, b.customerId).PK)!);
    const last = answer.LastEvaluatedKey;
    return last ? { items, cursor: Buffer.from(String(fromItem(last).GSI2SK), 'utf8').toString('base64url') } : { items };
  }

  async queueNotification(notification: Notification, dueAt: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: notificationItem({ notification, status: 'pending', attempts: 0, dueAt }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async dueNotifications(before: string, limit: number): Promise<NotificationRef[]> {
    return (await this.due('NOTIFY', before, limit)).map(({ record }) => ({
      shop: String(record.shop),
      customerId: String(record.customerId),
      id: String(record.SK).slice(NOTIFICATION_PREFIX.length),
    }));
  }

  async claimNotification(ref: NotificationRef, now: string, leaseUntil: string): Promise<NotificationRecord | undefined> {
    const key = notificationKey(ref.shop, ref.customerId, ref.id);
    try {
      const answer = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(key),
          // A run that crashed mid-send left it `sending`; once its lease is over, it is due again.
          UpdateExpression: 'SET #status = :sending, dueAt = :lease, GSI1SK = :sk ADD attempts :one',
          ConditionExpression: 'attribute_exists(PK) AND #status <> :sent AND dueAt <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':sending': 'sending', ':sent': 'sent', ':lease': leaseUntil, ':now': now, ':one': 1, ':sk': dueIndexKeys('NOTIFY', key.PK, key.SK, leaseUntil).GSI1SK }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return answer.Attributes ? toNotificationRecord(answer.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async settleNotification(ref: NotificationRef, outcome: { sentAt: string } | { retryAt: string; error: string }): Promise<void> {
    const key = notificationKey(ref.shop, ref.customerId, ref.id);
    const sent = 'sentAt' in outcome;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(key),
        UpdateExpression: sent ? 'SET #status = :sent, sentAt = :at REMOVE GSI1PK, GSI1SK' : 'SET #status = :pending, dueAt = :at, GSI1SK = :sk, lastError = :error',
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall(
          sent
            ? { ':sent': 'sent', ':at': outcome.sentAt, ':sending': 'sending' }
            : { ':pending': 'pending', ':at': outcome.retryAt, ':sk': dueIndexKeys('NOTIFY', key.PK, key.SK, outcome.retryAt).GSI1SK, ':error': outcome.error.slice(0, 500), ':sending': 'sending' },
        ),
      }),
    );
  }
}

/** DynamoDB's refusal of an item over 400 KB, as a transaction reason or a validation error. */
function tooLarge(error: unknown): boolean {
  const message = (text: string | undefined) => /size/i.test(text ?? '');
  if (error instanceof TransactionCanceledException) {
    return message(error.message) || (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ValidationError' && (reason.Message === undefined || message(reason.Message)));
  }
  return error instanceof Error && error.name === 'ValidationException' && message(error.message);
}

/**
 * Counter and set updates, one write per item (a transaction may touch an item once): ADD is
 * commutative, so concurrent changes never lose a count and nothing is read first.
 */
function statsWrites(TableName: string, shop: string, stats: StatsUpdate[]): TransactWriteItem[] {
  const merged = new Map<string, { key: { PK: string; SK: string }; add: Map<string, number>; addToSet: Map<string, Set<string>>; removeFromSet: Map<string, Set<string>> }>();
  for (const update of stats) {
    const key = statsKey(shop, update.bucket.kind === 'day' ? update.bucket.day : 'gauge', update.shardKey);
    let item = merged.get(key.PK);
    if (!item) merged.set(key.PK, (item = { key, add: new Map(), addToSet: new Map(), removeFromSet: new Map() }));
    for (const [name, by] of Object.entries(update.add)) item.add.set(name, (item.add.get(name) ?? 0) + by);
    for (const [name, values] of Object.entries(update.addToSet ?? {})) for (const v of values) (item.addToSet.get(name) ?? item.addToSet.set(name, new Set()).get(name)!).add(v);
    for (const [name, values] of Object.entries(update.removeFromSet ?? {})) for (const v of values) (item.removeFromSet.get(name) ?? item.removeFromSet.set(name, new Set()).get(name)!).add(v);
  }
  return [...merged.values()].flatMap(({ key, add, addToSet, removeFromSet }) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':entity': 'stats', ':shop': shop };
    const adds: string[] = [];
    const deletes: string[] = [];
    let n = 0;
    for (const [name, by] of add) if (by !== 0) (names[`#a${n}`] = name), (values[`:a${n}`] = by), adds.push(`#a${n} :a${n}`), n++;
    for (const [name, set] of addToSet) (names[`#a${n}`] = name), (values[`:a${n}`] = set), adds.push(`#a${n} :a${n}`), n++;
    for (const [name, set] of removeFromSet) (names[`#d${n}`] = name), (values[`:d${n}`] = set), deletes.push(`#d${n} :d${n}`), n++;
    if (adds.length === 0 && deletes.length === 0) return [];
    Object.assign(values, { ':owner': `OWNED#${shop}`, ':pk': key.PK });
    const expression = ['SET entity = :entity, shop = :shop, GSI2PK = :owner, GSI2SK = :pk', adds.length ? `ADD ${adds.join(', ')}` : '', deletes.length ? `DELETE ${deletes.join(', ')}` : ''].filter(Boolean).join(' ');
    return [{ Update: { TableName, Key: marshall(key), UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: marshall(values) } }];
  });
}

/**
 * A stored record must still be at the revision read; a new one must not exist yet. A redemption
 * also states the balance it needs, so the database itself refuses an overdraft.
 */
function expectRev(rev: number, minBalance?: number) {
  if (rev === 0) return { ConditionExpression: 'attribute_not_exists(PK)' };
  const balance = minBalance === undefined ? '' : ' AND balance >= :minBalance';
  return {
    ConditionExpression: `#rev = :rev${balance}`,
    ExpressionAttributeNames: { '#rev': 'rev' },
    ExpressionAttributeValues: marshall({ ':rev': rev, ...(minBalance === undefined ? {} : { ':minBalance': minBalance }) }),
  };
}

function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, partition: string): Item {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sortKey.startsWith(LEDGER_PREFIX) || sortKey.length > 300) throw new InvalidCursorError();
  return marshall({ PK: partition, SK: sortKey });
}
