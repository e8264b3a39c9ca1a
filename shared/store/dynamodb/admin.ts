/** Program versions (saved with the shop, in one transaction), and the lists of members and shops (GSI2). */
import { randomUUID } from 'node:crypto';
import { QueryCommand, TransactionCanceledException, TransactionConflictException, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Member } from '../../ledger/types.ts';
import type { ProgramChange, Shop } from '../records.ts';
import type { AdminStore } from '../ports/admin.ts';
import { InvalidCursorError, type Page } from '../ports/page.ts';
import { GSI_MEMBERS_OF_SHOP, memberKey, membersOfShopKeys, PROGRAM_VERSION_PREFIX, shopKey, SHOPS_PARTITION } from './keys.ts';
import { fromItem, programVersionItem, shopItem, toMember, toProgramChange, toShop, type Item } from './items.ts';
import { batchGet, queryAll } from './reads.ts';
import { expectRev } from './writes.ts';
import type { ShopRecordCache } from './shop-cache.ts';

export class DynamoDbAdminStore implements AdminStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly shops?: ShopRecordCache,
  ) {}

  async saveProgram(current: Shop, next: Shop, change: ProgramChange): Promise<boolean> {
    const TableName = this.tableName;
    this.shops?.forget(current.shop);
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
    const found = keys.length ? (await batchGet(this.client, this.tableName, keys)).map(toMember) : [];
    const order = new Map(keys.map((key, i) => [key.PK, i]));
    const items = found.sort((a, b) => order.get(memberKey(a.shop, a.customerId).PK)! - order.get(memberKey(b.shop, b.customerId).PK)!);
    const last = answer.LastEvaluatedKey;
    return last ? { items, cursor: Buffer.from(String(fromItem(last).GSI2SK), 'utf8').toString('base64url') } : { items };
  }

  async membersNotInTier(shop: string, tier: string, page: { limit: number; cursor?: string }): Promise<Page<Member>> {
    const partition = membersOfShopKeys(shop, '', '').GSI2PK;
    // Sort keys are `{tier}#{customer id}`, ids are digits: `tier`'s own members lie between these two.
    const below = `${tier}#`;
    const above = `${tier}#\uffff`;
    const ranges = [
      { condition: 'GSI2SK < :edge', edge: below, holds: (sortKey: string) => sortKey < below, passed: (sortKey: string) => sortKey >= below },
      { condition: 'GSI2SK > :edge', edge: above, holds: (sortKey: string) => sortKey > above, passed: () => false },
    ];
    const { cursor } = page;
    const keys: { PK: string; SK: string }[] = [];
    let last: string | undefined;
    for (const range of ranges) {
      if (cursor !== undefined && range.passed(cursor)) continue;
      const from = cursor !== undefined && range.holds(cursor) ? cursor : undefined;
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI_MEMBERS_OF_SHOP,
          KeyConditionExpression: `GSI2PK = :pk AND ${range.condition}`,
          ExpressionAttributeValues: marshall({ ':pk': partition, ':edge': range.edge }),
          Limit: page.limit - keys.length,
          ...(from === undefined ? {} : { ExclusiveStartKey: marshall({ GSI2PK: partition, GSI2SK: from, ...memberKey(shop, from.slice(from.lastIndexOf('#') + 1)) }) }),
        }),
      );
      keys.push(...(answer.Items ?? []).map((item) => ({ PK: String(item.PK?.S), SK: String(item.SK?.S) })));
      last = answer.LastEvaluatedKey ? String(fromItem(answer.LastEvaluatedKey).GSI2SK) : undefined;
      if (last !== undefined) break;
    }
    const items = keys.length ? (await batchGet(this.client, this.tableName, keys)).map(toMember) : [];
    return last === undefined ? { items } : { items, cursor: last };
  }

  async listShops(): Promise<Shop[]> {
    const index = await queryAll(this.client, {
      TableName: this.tableName,
      IndexName: GSI_MEMBERS_OF_SHOP,
      KeyConditionExpression: 'GSI2PK = :shops',
      ExpressionAttributeValues: marshall({ ':shops': SHOPS_PARTITION }),
    });
    const keys = index.map((item) => ({ PK: String(item.PK?.S), SK: String(item.SK?.S) }));
    return (await batchGet(this.client, this.tableName, keys)).map(toShop);
  }
}
