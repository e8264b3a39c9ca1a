/**
 * What one function may do with the table, said once per function and turned into IAM statements
 * here. Reads may reach any item; a write or a delete is allowed only on the item kinds named, by
 * the prefix of the partition key (`dynamodb:LeadingKeys`); an index is queried only when named.
 *
 * A transaction is authorised item by item, as the PutItem, UpdateItem, DeleteItem or
 * ConditionCheckItem it contains (there is no TransactWriteItems permission), so the condition on
 * the partition key holds inside transactions too.
 */
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP } from '../shared/store/dynamodb/keys.ts';

/**
 * The table's item kinds, by the prefix of their partition key (`shared/store/dynamodb/keys.ts`).
 * IAM sees only the partition key, so items that share a partition are one kind here: a shop's
 * record, program versions, Admin API tokens and last deliveries are all `shop`.
 */
export const ITEM_KINDS = {
  /** `SHOP#{shop}`: the shop and its program, program versions, the sealed Admin API tokens, last deliveries. */
  shop: 'SHOP#',
  /** `MEMBER#{shop}#{customer}`: member, lots, ledger, messages, survey answers, reminders, export requests. */
  member: 'MEMBER#',
  /** `ORDER#{shop}#…`: orders as earned on. */
  order: 'ORDER#',
  /** `IDEMPOTENCY#{shop}#{key}`: answers kept for a repeated request or delivery. */
  idempotency: 'IDEMPOTENCY#',
  /** `COUPON#{shop}#{code}`: coupons and store credit, and their outbox state. */
  coupon: 'COUPON#',
  /** `STATS#{shop}#…`: the program's figures (written by the stream aggregator alone). */
  stats: 'STATS#',
  /** `FIGURES#{sequence}`: the aggregator's marks of stream records applied. */
  figures: 'FIGURES#',
  /** `RATE#{shop}#…`: storefront rate-limit windows. */
  rate: 'RATE#',
  /** `OUTBOUND#{shop}#…`: the outbound pipeline's metafield sync windows and event markers (TTL). */
  outbound: 'OUTBOUND#',
  /** `REF#{shop}#code#…`, `REF#{shop}#friend#…`: referral codes and the friend's one welcome claim (docs/referrals.md). */
  referral: 'REF#',
  /** `GUEST#{shop}#{email hash}`: a guest order's points waiting for an account (docs/birthdays-and-guests.md). */
  guest: 'GUEST#',
} as const;

export type ItemKind = keyof typeof ITEM_KINDS;
export const ALL_ITEM_KINDS = Object.keys(ITEM_KINDS) as ItemKind[];

export type TableIndex = typeof GSI_BY_EXPIRY | typeof GSI_MEMBERS_OF_SHOP;
export type TableRead = 'GetItem' | 'BatchGetItem' | 'Query';

export interface TableAccess {
  /** Item reads on the table itself, any item. */
  readonly read?: readonly TableRead[];
  /** Indexes the function queries (Query on each, by name; never `index/*`). */
  readonly queryIndexes?: readonly TableIndex[];
  /** PutItem and UpdateItem, alone or in a transaction, on these kinds only. */
  readonly write?: readonly ItemKind[];
  /** DeleteItem on these kinds only. */
  readonly delete?: readonly ItemKind[];
  /** BatchWriteItem on these kinds only: bulk deletes (it could put too; IAM cannot tell them apart). */
  readonly batchWrite?: readonly ItemKind[];
}

/**
 * `dynamodb:LeadingKeys` may only take these prefixes. `ForAllValues` holds for every key of the
 * request (a BatchWriteItem names many); the `Null` test refuses a request that names none, which
 * `ForAllValues` alone would let through.
 */
export function leadingKeysCondition(kinds: readonly ItemKind[]): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': unique(kinds).map((kind) => `${ITEM_KINDS[kind]}*`) },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  };
}

/** The statements `access` stands for, on `table`. */
export function tableAccessStatements(table: Table, access: TableAccess): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const actions = (...names: string[]) => names.map((name) => `dynamodb:${name}`);
  const limited = (names: string[], kinds: readonly ItemKind[] | undefined) => {
    if (!kinds?.length) return;
    statements.push(new PolicyStatement({ actions: actions(...names), resources: [table.tableArn], conditions: leadingKeysCondition(kinds) }));
  };

  if (access.read?.length) statements.push(new PolicyStatement({ actions: actions(...unique(access.read)), resources: [table.tableArn] }));
  if (access.queryIndexes?.length) {
    statements.push(new PolicyStatement({ actions: actions('Query'), resources: unique(access.queryIndexes).map((index) => `${table.tableArn}/index/${index}`) }));
  }
  limited(['PutItem', 'UpdateItem'], access.write);
  limited(['DeleteItem'], access.delete);
  limited(['BatchWriteItem'], access.batchWrite);
  return statements;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
