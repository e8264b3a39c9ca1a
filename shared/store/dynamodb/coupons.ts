/** Coupons: saved only on the status read; a refused one refunded with its points in one transaction. */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, TransactionCanceledException, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry, Lot } from '../../ledger/types.ts';
import type { Coupon, CouponStatus } from '../../rewards/coupon.ts';
import type { CouponStore } from '../ports/coupons.ts';
import { couponKey, memberKey } from './keys.ts';
import { couponItem, ledgerItem, lotItem, toCoupon } from './items.ts';
import { batchGet } from './reads.ts';

export class DynamoDbCouponStore implements CouponStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async getCoupon(shop: string, code: string): Promise<Coupon | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(couponKey(shop, code)), ConsistentRead: true }));
    return Item ? toCoupon(Item) : undefined;
  }

  async getCoupons(shop: string, codes: string[]): Promise<Coupon[]> {
    const keys = [...new Set(codes)].map((code) => couponKey(shop, code));
    return (await batchGet(this.client, this.tableName, keys)).map(toCoupon);
  }

  async saveCoupon(coupon: Coupon, expected: CouponStatus, expectedAttempts?: number): Promise<boolean> {
    const attempts = expectedAttempts !== undefined;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: couponItem(coupon),
          ConditionExpression: attempts ? '#status = :expected AND #attempts = :attempts' : '#status = :expected',
          ExpressionAttributeNames: { '#status': 'status', ...(attempts ? { '#attempts': 'attempts' } : {}) },
          ExpressionAttributeValues: marshall({ ':expected': expected, ...(attempts ? { ':attempts': expectedAttempts } : {}) }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async refundCoupon(coupon: Coupon, refund: { lot: Lot; entry: LedgerEntry }): Promise<boolean> {
    const TableName = this.tableName;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [
            {
              Put: {
                TableName,
                Item: couponItem(coupon),
                ConditionExpression: '#status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({ ':pending': 'pending' }),
              },
            },
            {
              // ADD is commutative; the revision moves so that any write based on an older read retries.
              Update: {
                TableName,
                Key: marshall(memberKey(coupon.shop, coupon.customerId)),
                UpdateExpression: 'ADD balance :points, #rev :one',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeNames: { '#rev': 'rev' },
                ExpressionAttributeValues: marshall({ ':points': refund.lot.points, ':one': 1 }),
              },
            },
            { Put: { TableName, Item: lotItem(coupon.shop, coupon.customerId, refund.lot), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: ledgerItem(coupon.shop, coupon.customerId, refund.entry), ConditionExpression: 'attribute_not_exists(PK)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
}
