/** Rate limits: a fixed window per key, counted with one conditional ADD, gone by itself (TTL). */
import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { RateLimitStore } from '../ports/rate-limits.ts';
import { ownedByShopKeys } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export class DynamoDbRateLimitStore implements RateLimitStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

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
}
