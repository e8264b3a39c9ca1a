/**
 * Lifecycle stages and priority lists in the table. A member's next stage move is its own item's
 * GSI1 entry (`STAGE#{shard}`), unless its win-back lapse comes first (see `memberItem`); the
 * priority lists are rows in `STATS#{shop}#priority:{list}`, sorted by value, written by the stream
 * aggregator (`figures.ts`).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { PriorityEntry, PriorityList } from '../../lifecycle/priority.ts';
import type { Member } from '../../ledger/types.ts';
import type { DueMember, DueRange } from '../ports/due-index.ts';
import type { LifecycleStore } from '../ports/lifecycle.ts';
import { fromItem, toMember } from './items.ts';
import { DUE_SHARDS, GSI_BY_EXPIRY, memberKey, priorityListPartition } from './keys.ts';
import { batchGet, queryPages } from './reads.ts';

const DEFAULT_PAGE_SIZE = 1000;

export class DynamoDbLifecycleStore implements LifecycleStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** Each shard of `STAGE` in turn, followed through its pages: nothing due is missed. */
  async *dueStagePages(range: DueRange): AsyncGenerator<DueMember[]> {
    const Limit = Math.max(1, Math.ceil((range.pageSize ?? DEFAULT_PAGE_SIZE) / DUE_SHARDS));
    const between = range.after ? 'GSI1SK BETWEEN :after AND :before' : 'GSI1SK <= :before';
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      for await (const page of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: GSI_BY_EXPIRY,
        KeyConditionExpression: `GSI1PK = :pk AND ${between}`,
        ExpressionAttributeValues: marshall({ ':pk': `STAGE#${shard}`, ':before': `${range.before}#\uffff`, ...(range.after ? { ':after': `${range.after}#\uffff` } : {}) }),
        Limit,
      })) {
        if (page.length) yield page.map((item) => {
          const record = fromItem(item);
          return { shop: String(record.shop), customerId: String(record.customerId) };
        });
      }
    }
  }

  async priorityList(shop: string, list: PriorityList, limit: number): Promise<PriorityEntry[]> {
    const rows: PriorityEntry[] = [];
    for await (const page of queryPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': priorityListPartition(shop, list) }),
      Limit: limit,
    })) {
      for (const item of page) {
        const { customerId, valueMinor, stage, stageSince, orderCount, lastOrderAt } = fromItem(item) as unknown as PriorityEntry;
        rows.push({ customerId, valueMinor, stage, stageSince, orderCount, lastOrderAt });
      }
      if (rows.length >= limit) break;
    }
    return rows.slice(0, limit);
  }

  async membersById(shop: string, customerIds: string[]): Promise<Member[]> {
    const unique = [...new Set(customerIds)];
    return unique.length ? (await batchGet(this.client, this.tableName, unique.map((id) => memberKey(shop, id)))).map(toMember) : [];
  }
}
