/**
 * The shop's token item (`SHOP#{shop}` / `TOKEN`): one conditional put per change, on the revision
 * read, so two containers refreshing one shop's token never both win, and the rotated refresh
 * token is never overwritten by a stale one.
 */
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccessTokenStore, StoredAccessToken } from '../ports.ts';
import { accessTokenKey } from './keys.ts';

export class DynamoDbAccessTokenStore implements AccessTokenStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async getAccessToken(shop: string): Promise<StoredAccessToken | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(accessTokenKey(shop)), ConsistentRead: true }));
    if (!Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...record } = unmarshall(Item);
    return record as StoredAccessToken;
  }

  async putAccessToken(token: Omit<StoredAccessToken, 'rev'>, expectedRev: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall({ ...accessTokenKey(token.shop), entity: 'access-token', ...token, rev: expectedRev + 1 }, { removeUndefinedValues: true }),
          ...(expectedRev === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: marshall({ ':rev': expectedRev }) }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async deleteAccessToken(shop: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(accessTokenKey(shop)) }));
  }
}
