/**
 * What the privacy webhooks need: data export requests (indexed under the shop, so shop/redact
 * finds them), a member's records as stored, their redaction, and the erasure of a whole shop in
 * bounded, resumable steps.
 */
import { BatchWriteItemCommand, ConditionalCheckFailedException, PutItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ExportRequest } from '../records.ts';
import type { PrivacyStore } from '../ports/privacy.ts';
import { dueIndexKeys, exportRequestKey, GSI_MEMBERS_OF_SHOP, memberPartition, membersOfShopKeys, NOTIFICATION_PREFIX, ORDER_SHARDS, orderPartition, ownedByShopKeys, shopKey } from './keys.ts';
import { fromItem, type Item } from './items.ts';
import { pauseBeforeRetry, queryAll, queryPages } from './reads.ts';

export class DynamoDbPrivacyStore implements PrivacyStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

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

  async memberRecords(shop: string, customerId: string): Promise<Record<string, unknown>[]> {
    return (await this.partitionKeys(memberPartition(shop, customerId))).map((item) => {
      const record = fromItem(item);
      for (const key of ['PK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK']) delete record[key];
      return record;
    });
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
          await pauseBeforeRetry(attempt);
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
      for await (const page of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: GSI_MEMBERS_OF_SHOP,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: marshall({ ':pk': partition }),
        Limit: 100,
      })) {
        if (!(await each(page))) return false;
      }
      return true;
    };
    const done =
      // Members' partitions: member, lots, ledger, messages, answers, reminders.
      (await throughIndex(membersOfShopKeys(shop, '', '').GSI2PK, async (members) => {
        for (const member of members) if (!(await removePartition(String(member.PK?.S)))) return false;
        return true;
      })) &&
      // What the shop owns elsewhere: coupons, figures, delivery ids, rate limits, and the
      // partitions of customers who are not members (survey answers, export requests).
      (await throughIndex(ownedByShopKeys(shop, '').GSI2PK, async (owned) => {
        for (const item of owned) if (String(item.PK?.S).startsWith('MEMBER#') && !(await removePartition(String(item.PK?.S)))) return false;
        return remove(owned.filter((item) => !String(item.PK?.S).startsWith('MEMBER#')).map(keyOf));
      })) &&
      // Orders, in their shards.
      (await (async () => {
        for (let shard = 0; shard < ORDER_SHARDS; shard++) if (!(await removePartition(orderPartition(shop, shard)))) return false;
        return true;
      })()) &&
      // Last, the shop's partition (program versions, then the shop itself): until it is gone, the
      // shop is still listed, and a re-delivered shop/redact or the next run finishes the job.
      (await removePartition(shopKey(shop).PK));
    return { erased, done };
  }

  /** Every item of a partition (or of its sort keys starting with `prefix`), read consistently. */
  private async partitionKeys(partition: string, prefix?: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
      ExpressionAttributeValues: marshall({ ':pk': partition, ...(prefix ? { ':prefix': prefix } : {}) }),
      ConsistentRead: true,
    });
  }
}
