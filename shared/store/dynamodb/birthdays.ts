/**
 * Birthdays in the table: the birthday itself is on the member item (every write of the member
 * carries it), and a small `BIRTHDAY` item beside it holds its place in the due index (GSI1,
 * `BIRTHDAY#{shard}`): the member item's own GSI1 entry is its lapse date. Both are written in one
 * transaction, so the due entry always follows the member's `birthday.nextRewardAt`.
 */
import { TransactionCanceledException, TransactionConflictException, TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Change } from '../../earning/change.ts';
import type { Member } from '../../ledger/types.ts';
import type { BirthdayStore, DueBirthday } from '../ports/birthdays.ts';
import type { DueRange } from '../ports/due-index.ts';
import { fromItem, ledgerItem, lotItem, memberItem } from './items.ts';
import { birthdayDueKey, DUE_SHARDS, dueIndexKeys, GSI_BY_EXPIRY } from './keys.ts';
import { queryPages } from './reads.ts';
import { expectRev } from './writes.ts';

const DEFAULT_PAGE_SIZE = 1000;

export class DynamoDbBirthdays implements BirthdayStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async saveMemberBirthday(member: Member): Promise<boolean> {
    return this.write([this.memberWrite(member), ...this.dueWrite(member)]);
  }

  async commitBirthdayGrant(change: Change & { member: Member }): Promise<boolean> {
    const TableName = this.tableName;
    const { member } = change;
    return this.write([
      this.memberWrite(member),
      ...change.lots.map((lot): TransactWriteItem => ({ Put: { TableName, Item: lotItem(member.shop, member.customerId, lot), ConditionExpression: 'attribute_not_exists(PK)' } })),
      ...change.entries.map((entry): TransactWriteItem => ({ Put: { TableName, Item: ledgerItem(member.shop, member.customerId, entry), ConditionExpression: 'attribute_not_exists(PK)' } })),
      ...this.dueWrite(member),
    ]);
  }

  async *dueBirthdayPages(range: DueRange): AsyncGenerator<DueBirthday[]> {
    const Limit = Math.max(1, Math.ceil((range.pageSize ?? DEFAULT_PAGE_SIZE) / DUE_SHARDS));
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const between = range.after ? 'GSI1SK BETWEEN :after AND :before' : 'GSI1SK <= :before';
      for await (const page of queryPages(this.client, {
        TableName: this.tableName,
        IndexName: GSI_BY_EXPIRY,
        KeyConditionExpression: `GSI1PK = :pk AND ${between}`,
        ExpressionAttributeValues: marshall({ ':pk': `BIRTHDAY#${shard}`, ':before': `${range.before}#\uffff`, ...(range.after ? { ':after': `${range.after}#\uffff` } : {}) }),
        Limit,
      })) {
        if (page.length) yield page.map((item) => {
          const record = fromItem(item);
          return { shop: String(record.shop), customerId: String(record.customerId) };
        });
      }
    }
  }

  private memberWrite(member: Member): TransactWriteItem {
    return { Put: { TableName: this.tableName, Item: memberItem(member, member.rev + 1), ...expectRev(member.rev) } };
  }

  /** The member's entry in the due index, at its birthday's next date; without a birthday (redacted), out of the index. */
  private dueWrite(member: Member): TransactWriteItem[] {
    const key = birthdayDueKey(member.shop, member.customerId);
    if (!member.birthday) return [{ Put: { TableName: this.tableName, Item: marshall({ ...key, entity: 'birthday', shop: member.shop, customerId: member.customerId }) } }];
    const at = member.birthday.nextRewardAt;
    return [{
      Put: {
        TableName: this.tableName,
        Item: marshall({ ...key, ...dueIndexKeys('BIRTHDAY', key.PK, key.SK, at), entity: 'birthday', shop: member.shop, customerId: member.customerId, nextRewardAt: at }),
      },
    }];
  }

  private async write(writes: TransactWriteItem[]): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (error instanceof TransactionConflictException) return false;
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons.every((reason) => ['None', 'ConditionalCheckFailed', 'TransactionConflict', undefined].includes(reason.Code))) return false;
      throw error;
    }
  }
}
