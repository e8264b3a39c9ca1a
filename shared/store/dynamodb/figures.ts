/**
 * The program's figures as stored: per shop, per day (or `gauge`), spread over STATS_SHARDS
 * items. Written only by the stream aggregator, each batch in one transaction with its mark.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, TransactionCanceledException, TransactionConflictException, TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { FigureDelta } from '../../kpis/stats-types.ts';
import type { FigureBatch, FigureBatchResult, FigureStore, StoredFigures } from '../ports/figures.ts';
import { figureMarkKey, ownedByShopKeys, priorityRowKey, statsKey, statsKeys } from './keys.ts';
import type { PriorityRowChange } from '../../lifecycle/priority.ts';
import { batchGet } from './reads.ts';
import { TTL_ATTRIBUTE } from './table.ts';
import { retryOnConflict } from '../retry.ts';

/** Stream records live 24 hours; a mark is kept a while longer. */
const MARK_TTL_SECONDS = 3 * 86_400;

export class DynamoDbFigureStore implements FigureStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async readStats(shop: string, buckets: string[]): Promise<StoredFigures[]> {
    const keys = buckets.flatMap((bucket) => statsKeys(shop, bucket));
    return (await batchGet(this.client, this.tableName, keys)).map((item) => {
      const counters: Record<string, number> = {};
      for (const [name, value] of Object.entries(item)) if (value.N !== undefined) counters[name] = Number(value.N);
      // STATS#{shop}#{bucket}#{shard}: a shop's domain holds no '#'.
      return { bucket: String(item.PK?.S).split('#')[2] ?? '', counters };
    });
  }

  async applyFigures(batch: FigureBatch): Promise<FigureBatchResult> {
    const TableName = this.tableName;
    const mark = figureMarkKey(batch.first);
    const writes: TransactWriteItem[] = [
      {
        Put: {
          TableName,
          Item: marshall({ ...mark, entity: 'figure-mark', last: batch.last, [TTL_ATTRIBUTE]: Math.floor(batch.now.getTime() / 1000) + MARK_TTL_SECONDS }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      // One batch writes one shard of each bucket: concurrent batches spread over the shards.
      ...batch.deltas.map((delta) => counterUpdate(TableName, delta, batch.first)),
      ...(batch.rows ?? []).map((row) => priorityRowWrite(TableName, row)),
    ];
    return retryOnConflict(async () => {
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes, ClientRequestToken: randomUUID() }));
        return { applied: true as const };
      } catch (error) {
        if (error instanceof TransactionConflictException) return 'conflict';
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') {
          const { Item } = await this.client.send(new GetItemCommand({ TableName, Key: marshall(mark), ConsistentRead: true }));
          // The mark went (its time is up) between the two calls: nothing to skip, write again.
          return Item?.last?.S ? { applied: false as const, through: Item.last.S } : 'conflict';
        }
        if (reasons.length === 0 || reasons.every((reason) => ['None', 'TransactionConflict', undefined].includes(reason.Code))) return 'conflict';
        throw error;
      }
    });
  }
}

/** A priority list's row written, or taken out (a delete of a row already gone is no error). */
function priorityRowWrite(TableName: string, row: PriorityRowChange): TransactWriteItem {
  const key = priorityRowKey(row.shop, row.list, row.valueMinor, row.customerId);
  if (!row.entry) return { Delete: { TableName, Key: marshall(key) } };
  return { Put: { TableName, Item: marshall({ ...key, ...ownedByShopKeys(row.shop, key.PK), entity: 'priority-row', shop: row.shop, list: row.list, ...row.entry }) } };
}

/** ADD is commutative: concurrent batches never lose a count, and nothing is read first. */
function counterUpdate(TableName: string, delta: FigureDelta, shardKey: string): TransactWriteItem {
  const key = statsKey(delta.shop, delta.bucket, shardKey);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':entity': 'stats', ':shop': delta.shop, ':owner': `OWNED#${delta.shop}`, ':pk': key.PK };
  const adds = Object.entries(delta.add).map(([name, by], n) => {
    names[`#a${n}`] = name;
    values[`:a${n}`] = by;
    return `#a${n} :a${n}`;
  });
  return {
    Update: {
      TableName,
      Key: marshall(key),
      // Indexed under the shop, so that shop/redact finds it.
      UpdateExpression: `SET entity = :entity, shop = :shop, GSI2PK = :owner, GSI2SK = :pk ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    },
  };
}
