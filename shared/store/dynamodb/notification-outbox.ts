/** The notification outbox: a message written once per id, claimed under a lease, settled sent or due again. */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Notification } from '../../notify/notification.ts';
import type { NotificationOutbox, NotificationRecord, NotificationRef } from '../ports/notification-outbox.ts';
import { dueIndexKeys, notificationKey } from './keys.ts';
import { notificationItem, toNotificationRecord } from './items.ts';

export class DynamoDbNotificationOutbox implements NotificationOutbox {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async hasNotification(ref: NotificationRef): Promise<boolean> {
    const answer = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: marshall(notificationKey(ref.shop, ref.customerId, ref.id)), ProjectionExpression: 'PK' }),
    );
    return answer.Item !== undefined;
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
