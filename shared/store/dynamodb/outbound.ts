/**
 * The outbound pipeline's bookkeeping items (`OUTBOUND#`): conditional writes only, each item
 * gone by itself after `OUTBOUND_TTL_DAYS` (the window it guards is seconds long; an event's marker
 * outlives any redelivery of its stream record, which DynamoDB Streams keeps 24 hours).
 */
import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { MemberSyncState } from '../../stream/outbound-work.ts';
import type { OutboundStore } from '../ports/outbound.ts';
import { outboundEventKey, outboundMemberKey, outboundProgramKey } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export const OUTBOUND_TTL_DAYS = 7;

const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + OUTBOUND_TTL_DAYS * 86_400;

export class DynamoDbOutboundStore implements OutboundStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async memberSyncState(shop: string, customerId: string): Promise<MemberSyncState | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(outboundMemberKey(shop, customerId)), ConsistentRead: true }));
    if (!Item) return undefined;
    const { syncedAt, fingerprint, deferredUntil } = unmarshall(Item) as MemberSyncState;
    return { ...(syncedAt ? { syncedAt } : {}), ...(fingerprint ? { fingerprint } : {}), ...(deferredUntil ? { deferredUntil } : {}) };
  }

  takeMemberSync(shop: string, customerId: string, expected: string | undefined, now: Date): Promise<boolean> {
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(outboundMemberKey(shop, customerId)),
        UpdateExpression: 'SET syncedAt = :now, entity = :entity, #ttl = :ttl',
        ConditionExpression: expected ? 'syncedAt = :expected' : 'attribute_not_exists(syncedAt)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: marshall({ ':now': now.toISOString(), ':entity': 'metafield-sync', ':ttl': expiresAt(now), ...(expected ? { ':expected': expected } : {}) }),
      }),
    );
  }

  async recordMemberSynced(shop: string, customerId: string, fingerprint: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(outboundMemberKey(shop, customerId)),
        UpdateExpression: 'SET fingerprint = :fingerprint, entity = :entity, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: marshall({ ':fingerprint': fingerprint, ':entity': 'metafield-sync', ':ttl': expiresAt(now) }),
      }),
    );
  }

  scheduleMemberSync(shop: string, customerId: string, until: string, now: Date, own?: string): Promise<boolean> {
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: marshall(outboundMemberKey(shop, customerId)),
        UpdateExpression: 'SET deferredUntil = :until, entity = :entity, #ttl = :ttl',
        // A schedule already passed is over (its sync ran, or runs and finds the window taken).
        ConditionExpression: `attribute_not_exists(deferredUntil) OR deferredUntil < :now${own ? ' OR deferredUntil = :own' : ''}`,
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: marshall({ ':until': until, ':now': now.toISOString(), ':entity': 'metafield-sync', ':ttl': expiresAt(now), ...(own ? { ':own': own } : {}) }),
      }),
    );
  }

  async programWritten(shop: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(outboundProgramKey(shop)) }));
    return Item ? (unmarshall(Item).written as string | undefined) : undefined;
  }

  async recordProgramWritten(shop: string, written: string, now: Date): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: marshall({ ...outboundProgramKey(shop), entity: 'metafield-sync', written, [TTL_ATTRIBUTE]: expiresAt(now) }) }));
  }

  takeEventMarker(shop: string, eventId: string, destination: string, now: Date): Promise<boolean> {
    return this.conditional(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...outboundEventKey(shop, eventId, destination), entity: 'event-sent', at: now.toISOString(), [TTL_ATTRIBUTE]: expiresAt(now) }),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async releaseEventMarker(shop: string, eventId: string, destination: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall(outboundEventKey(shop, eventId, destination)) }));
  }

  private async conditional(command: UpdateItemCommand | PutItemCommand): Promise<boolean> {
    try {
      await this.client.send(command as UpdateItemCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
