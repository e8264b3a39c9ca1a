/**
 * When each webhook topic last arrived for a shop (`SHOP#{shop}` / `DELIVERY#{topic}`): one
 * UpdateItem, outside every earning transaction, that never moves the time backwards.
 */
import { ConditionalCheckFailedException, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { WebhookDeliveryLog } from '../ports.ts';
import { shopKey, WEBHOOK_DELIVERY_PREFIX, webhookDeliveryKey } from './keys.ts';

export class DynamoDbWebhookDeliveryLog implements WebhookDeliveryLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async recordDelivery(shop: string, topic: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: marshall(webhookDeliveryKey(shop, topic)),
          UpdateExpression: 'SET entity = :entity, topic = :topic, lastDeliveryAt = :at',
          ConditionExpression: 'attribute_not_exists(lastDeliveryAt) OR lastDeliveryAt < :at',
          ExpressionAttributeValues: marshall({ ':entity': 'webhook-delivery', ':topic': topic, ':at': at }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // a later one is already recorded
    }
  }

  async lastDeliveries(shop: string): Promise<{ topic: string; lastDeliveryAt: string }[]> {
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': shopKey(shop).PK, ':prefix': WEBHOOK_DELIVERY_PREFIX }),
      }),
    );
    return (answer.Items ?? []).map((item) => {
      const { topic, lastDeliveryAt } = unmarshall(item) as { topic: string; lastDeliveryAt: string };
      return { topic, lastDeliveryAt };
    });
  }
}
