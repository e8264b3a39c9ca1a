/**
 * IAM, as far as the table goes: a function's Allow statements in the synthesized template, and
 * whether they let through a DynamoDB request its code is about to send. The Lambda-entry test
 * runs the entries over DynamoDB Local under these rights, so a code path that needs more than
 * the stack grants its function fails a test rather than a deploy.
 *
 * It knows what the stack writes (actions, the table's ARN and its indexes, `ForAllValues:StringLike`
 * and `Null` on `dynamodb:LeadingKeys`); any other condition refuses, so it errs towards "denied".
 */
import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import type { LoyaltyTable } from '../../infra/loyalty-table.ts';
import { allowStatements, logicalId, type Statement } from './synthesized-stack.ts';

/** One request as IAM authorises it: an action on the table (`table`) or an index (`table/index/GSI2`), for these partition keys. */
export interface TableRequest {
  action: string;
  resource: string;
  leadingKeys: string[];
}

type Key = Record<string, { S?: string } | undefined> | undefined;
const partitionOf = (key: Key): string[] => (key?.PK?.S !== undefined ? [key.PK.S] : []);

/** The requests IAM sees for one SDK command (a transaction is one per item; a batch is one with every key). */
export function tableRequests(commandName: string, input: Record<string, any>): TableRequest[] {
  const on = (action: string, leadingKeys: string[], resource = 'table'): TableRequest => ({ action: `dynamodb:${action}`, resource, leadingKeys });
  switch (commandName) {
    case 'GetItemCommand':
      return [on('GetItem', partitionOf(input.Key))];
    case 'PutItemCommand':
      return [on('PutItem', partitionOf(input.Item))];
    case 'UpdateItemCommand':
      return [on('UpdateItem', partitionOf(input.Key))];
    case 'DeleteItemCommand':
      return [on('DeleteItem', partitionOf(input.Key))];
    case 'BatchGetItemCommand':
      return [on('BatchGetItem', Object.values(input.RequestItems ?? {}).flatMap((items: any) => items.Keys.flatMap(partitionOf)))];
    case 'BatchWriteItemCommand':
      return [on('BatchWriteItem', Object.values(input.RequestItems ?? {}).flatMap((requests: any) => requests.flatMap((request: any) => partitionOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key))))];
    case 'QueryCommand': {
      // The partition key's value, as the key condition binds it (`PK = :pk`, `GSI2PK = :pk`).
      const bound = /^\s*#?\w+\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression))?.[1];
      const value = bound ? input.ExpressionAttributeValues?.[bound]?.S : undefined;
      return [on('Query', value === undefined ? [] : [value], input.IndexName ? `table/index/${input.IndexName}` : 'table')];
    }
    case 'TransactWriteItemsCommand':
      return (input.TransactItems ?? []).map((item: any) => {
        if (item.Put) return on('PutItem', partitionOf(item.Put.Item));
        if (item.Update) return on('UpdateItem', partitionOf(item.Update.Key));
        if (item.Delete) return on('DeleteItem', partitionOf(item.Delete.Key));
        return on('ConditionCheckItem', partitionOf(item.ConditionCheck?.Key));
      });
    case 'TransactGetItemsCommand':
      return (input.TransactItems ?? []).map((item: any) => on('GetItem', partitionOf(item.Get?.Key)));
    default:
      return [on(commandName.replace(/Command$/, ''), [])];
  }
}

const glob = (pattern: string) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/** A function's rights on the table, read off the template. */
export class TablePolicy {
  private readonly statements: Statement[];
  private readonly tableArn: string;

  constructor(template: Template, table: LoyaltyTable, fn: LoyaltyFunction) {
    this.statements = allowStatements(template, fn);
    this.tableArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(table.table.node.defaultChild as CfnElement), 'Arn'] });
  }

  allows(request: TableRequest): boolean {
    return this.statements.some((statement) => this.actionMatches(statement, request) && this.resourceMatches(statement, request) && this.conditionsHold(statement, request));
  }

  private actionMatches(statement: Statement, request: TableRequest): boolean {
    return [statement.Action].flat().some((action) => glob(action).test(request.action));
  }

  /** The table's ARN stands as `table`; `<table arn>/index/…` as `table/index/…`. Other resources are not the table's. */
  private resourceMatches(statement: Statement, request: TableRequest): boolean {
    return [statement.Resource].flat().some((resource) => {
      if (JSON.stringify(resource) === this.tableArn) return request.resource === 'table';
      const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (!join || join[0] !== '' || join[1].length !== 2 || JSON.stringify(join[1][0]) !== this.tableArn || typeof join[1][1] !== 'string') return false;
      return glob(`table${join[1][1]}`).test(request.resource);
    });
  }

  private conditionsHold(statement: Statement, request: TableRequest): boolean {
    return Object.entries(statement.Condition ?? {}).every(([operator, tests]) =>
      Object.entries(tests).every(([key, expected]) => {
        if (key !== 'dynamodb:LeadingKeys') return false;
        if (operator === 'Null') return (request.leadingKeys.length === 0) === (expected === 'true');
        if (operator === 'ForAllValues:StringLike') return request.leadingKeys.every((value) => [expected].flat().some((pattern) => glob(String(pattern)).test(value)));
        return false;
      }),
    );
  }
}
