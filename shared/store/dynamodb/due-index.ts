/**
 * The due index (GSI1, sharded by kind): what falls due by a time. Each due item carries its time
 * first in the sort key, so one range query per shard finds the oldest.
 */
import { ConditionalCheckFailedException, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ExportRequest } from '../records.ts';
import type { DueIndex, DueLot } from '../ports/due-index.ts';
import type { NotificationRef } from '../ports/notification-outbox.ts';
import { DUE_SHARDS, dueIndexKeys, GSI_BY_EXPIRY, LOT_PREFIX, lotKey, NOTIFICATION_PREFIX, OUTBOX_SHARDS, type DueKind } from './keys.ts';
import { fromItem } from './items.ts';
import { batchGet, queryPages } from './reads.ts';

export class DynamoDbDueIndex implements DueIndex {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** One kind of due item across its shards, by time: `after < at <= before`, oldest first. */
  private async due(kind: DueKind, before: string, limit: number, after?: string): Promise<{ record: Record<string, unknown>; at: string }[]> {
    const found: { record: Record<string, unknown>; at: string }[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const range = after ? 'GSI1SK BETWEEN :after AND :before' : 'GSI1SK <= :before';
      let taken = 0;
      for await (const page of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: GSI_BY_EXPIRY,
        KeyConditionExpression: `GSI1PK = :pk AND ${range}`,
        ExpressionAttributeValues: marshall({ ':pk': `${kind}#${shard}`, ':before': `${before}#\uffff`, ...(after ? { ':after': `${after}#\uffff` } : {}) }),
        Limit: limit,
      })) {
        for (const item of page) {
          const record = fromItem(item);
          found.push({ record, at: String(record.GSI1SK).slice(0, 24) });
          taken++;
        }
        if (taken >= limit) break;
      }
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
    return (await this.due('NOTIFY', before, limit)).map(({ record }) => ({
      shop: String(record.shop),
      customerId: String(record.customerId),
      id: String(record.SK).slice(NOTIFICATION_PREFIX.length),
    }));
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
