/**
 * The members CSV import's reads and writes: members and their import lots read in batches of
 * 100 keys, and each member's imported balance written in one transaction whose lot must not exist
 * yet (so the same file uploaded again, or two uploads at once, never adds a balance twice).
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException, TransactionConflictException, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ImportTarget, ImportWrite, ImportWriteResult, MemberImportStore } from '../ports/member-import.ts';
import { lotKey, memberKey } from './keys.ts';
import { ledgerItem, lotItem, memberItem, toMember } from './items.ts';
import { batchGet } from './reads.ts';
import { expectRev } from './writes.ts';

export class DynamoDbMemberImportStore implements MemberImportStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async importTargets(shop: string, lotId: string, customerIds: string[]): Promise<Map<string, ImportTarget>> {
    const ids = [...new Set(customerIds)];
    const keys = ids.flatMap((id) => [memberKey(shop, id), lotKey(shop, id, lotId)]);
    const items = await batchGet(this.client, this.tableName, keys);
    const targets = new Map<string, ImportTarget>(ids.map((id) => [id, { imported: false }]));
    const byPartition = new Map(ids.map((id) => [memberKey(shop, id).PK, id]));
    for (const item of items) {
      const id = byPartition.get(String(item.PK?.S));
      if (id === undefined) continue;
      const target = targets.get(id)!;
      if (item.SK?.S === 'MEMBER') target.member = toMember(item);
      else target.imported = true;
    }
    return targets;
  }

  async saveImport(shop: string, { member, lot, entry }: ImportWrite): Promise<ImportWriteResult> {
    const TableName = this.tableName;
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [
            { Put: { TableName, Item: lotItem(shop, member.customerId, lot), ConditionExpression: 'attribute_not_exists(PK)' } },
            { Put: { TableName, Item: memberItem(member, member.rev + 1), ...expectRev(member.rev) } },
            ...(entry ? [{ Put: { TableName, Item: ledgerItem(shop, member.customerId, entry), ConditionExpression: 'attribute_not_exists(PK)' } }] : []),
          ],
        }),
      );
      return 'imported';
    } catch (error) {
      if (error instanceof TransactionConflictException) return 'conflict';
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'already-imported';
      if (reasons.every((reason) => ['None', 'ConditionalCheckFailed', 'TransactionConflict', undefined].includes(reason.Code))) return 'conflict';
      throw error;
    }
  }
}
