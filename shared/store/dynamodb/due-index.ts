/**
 * The due index (GSI1, sharded by kind): what falls due by a time. Each due item carries its time
 * first in the sort key, so one range query per shard finds the oldest.
 */
import { ConditionalCheckFailedException, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ExportRequest } from '../records.ts';
import type { DueIndex, DueLot, DueMember, DueRange } from '../ports/due-index.ts';
import type { NotificationRef } from '../ports/notification-outbox.ts';
import { DUE_SHARDS, dueIndexKeys, GSI_BY_EXPIRY, LOT_PREFIX, lotKey, NOTIFICATION_PREFIX, OUTBOX_SHARDS, type DueKind } from './keys.ts';
import { fromItem, type Item } from './items.ts';
import { batchGet, queryPages } from './reads.ts';

/** About how many due items a page of a walk holds, across the shards. */
const DEFAULT_PAGE_SIZE = 1000;

/** A due item as the index holds it, and its time (the first 24 characters of its sort key). */
interface DueRecord {
  record: Record<string, unknown>;
  at: string;
}

function dueRecord(item: Item): DueRecord {
  const record = fromItem(item);
  return { record, at: String(record.GSI1SK).slice(0, 24) };
}

const toDueLot = ({ record, at }: DueRecord): DueLot => ({
  shop: String(record.shop),
  customerId: String(record.customerId),
  lotId: String(record.SK).slice(LOT_PREFIX.length),
  at,
});
const toDueMember = ({ record }: DueRecord): DueMember => ({ shop: String(record.shop), customerId: String(record.customerId) });
const toNotificationRef = ({ record }: DueRecord): NotificationRef => ({
  shop: String(record.shop),
  customerId: String(record.customerId),
  id: String(record.SK).slice(NOTIFICATION_PREFIX.length),
});

export class DynamoDbDueIndex implements DueIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The query of one shard of one kind of due item: `after < at <= before`, oldest first. */
  private shardQuery(kind: DueKind, shard: number, before: string, after?: string) {
    const range = after ? 'GSI1SK BETWEEN :after AND :before' : 'GSI1SK <= :before';
    return {
      TableName: this.tableName,
      IndexName: GSI_BY_EXPIRY,
      KeyConditionExpression: `GSI1PK = :pk AND ${range}`,
      ExpressionAttributeValues: marshall({ ':pk': `${kind}#${shard}`, ':before': `${before}#\uffff`, ...(after ? { ':after': `${after}#\uffff` } : {}) }),
    };
  }

  /** One kind of due item across its shards, by time: `after < at <= before`, oldest first. */
  private async due(kind: DueKind, before: string, limit: number, after?: string): Promise<DueRecord[]> {
    const found: DueRecord[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      let taken = 0;
      for await (const page of queryPages(this.client, { ...this.shardQuery(kind, shard, before, after), Limit: limit })) {
        for (const item of page) found.push(dueRecord(item));
        taken += page.length;
        if (taken >= limit) break;
      }
    }
    return found.sort((a, b) => a.at.localeCompare(b.at)).slice(0, limit);
  }

  /**
   * One kind of due item, a page at a time: each page asks every shard (at once) for its next
   * `pageSize / DUE_SHARDS` items, from where it stopped, and is sorted by time. Nothing is
   * missed however long the walk: each shard is followed through `LastEvaluatedKey`.
   */
  private async *pages(kind: DueKind, range: DueRange): AsyncGenerator<DueRecord[]> {
    const Limit = Math.max(1, Math.ceil((range.pageSize ?? DEFAULT_PAGE_SIZE) / DUE_SHARDS));
    let shards = Array.from({ length: DUE_SHARDS }, (_, shard) => queryPages(this.client, { ...this.shardQuery(kind, shard, range.before, range.after), Limit }));
    while (shards.length > 0) {
      const answers = await Promise.all(shards.map((shard) => shard.next()));
      shards = shards.filter((_, i) => !answers[i]!.done);
      const page = answers.flatMap((answer) => (answer.done ? [] : answer.value.map(dueRecord)));
      if (page.length > 0) yield page.sort((a, b) => a.at.localeCompare(b.at));
    }
  }

  async *dueLotPages(kind: 'EXPIRES' | 'PENDING', range: DueRange): AsyncGenerator<DueLot[]> {
    for await (const page of this.pages(kind, range)) yield page.map(toDueLot);
  }

  async *dueMemberPages(range: DueRange): AsyncGenerator<DueMember[]> {
    for await (const page of this.pages('LAPSE', range)) yield page.map(toDueMember);
  }

  async *dueNotificationPages(range: DueRange): AsyncGenerator<NotificationRef[]> {
    for await (const page of this.pages('NOTIFY', range)) yield page.map(toNotificationRef);
  }

  async dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]> {
    return (await this.due(kind, before, limit, after)).map(toDueLot);
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

  async dueMembers(before: string, limit: number): Promise<DueMember[]> {
    return (await this.due('LAPSE', before, limit)).map(toDueMember);
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

  async dueNotifications(before: string, limit: number): Promise<NotificationRef[]> {
    return (await this.due('NOTIFY', before, limit)).map(toNotificationRef);
  }

  async dueExportRequests(before: string, limit: number): Promise<ExportRequest[]> {
    const due = await this.due('EXPORT', before, limit);
    const found = due.length ? await batchGet(this.client, this.tableName, due.map(({ record }) => ({ PK: String(record.PK), SK: String(record.SK) }))) : [];
    return found.map((item) => {
      const { shop, customerId, orderIds, requestId } = fromItem(item) as unknown as ExportRequest;
      return { shop, customerId, orderIds, requestId };
    });
  }
}
