import type { CfnElement } from 'aws-cdk-lib';
import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { ALL_ITEM_KINDS, ITEM_KINDS, leadingKeysCondition, type ItemKind } from '../../infra/table-access.ts';
import { accessTokenKey, couponKey, GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP, idempotencyKey, memberPartition, orderKey, programVersionKey, shopKey, figureMarkKey, statsKeys, webhookDeliveryKey, outboundEventKey, outboundMemberKey, outboundProgramKey, referralCodeKey, referralFriendKey, guestClaimKey } from '../../shared/store/dynamodb/keys.ts';
import { DynamoDbRateLimitStore } from '../../shared/store/dynamodb/rate-limits.ts';
import { allowStatements, logicalId, synthesize, type Statement, type Synthesized } from './synthesized-stack.ts';
import { TablePolicy, tableRequests } from './table-policy.ts';

const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];

describe('who may do what with the table', () => {
  let synthesized: Synthesized;
  let tableArn: unknown;
  /** The functions whose table rights are declared per function (the jobs still take the broad grant). */
  let declared: LoyaltyFunction[];
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    const { intake, api, table } = synthesized.stack;
    tableArn = { 'Fn::GetAtt': [logicalId(table.table.node.defaultChild as CfnElement), 'Arn'] };
    declared = [intake.processor, intake.shopEraser, api];
  });

  const actionsOf = (statement: Statement) => [statement.Action].flat();
  const tableStatements = (fn: LoyaltyFunction) => allowStatements(synthesized.template, fn).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
  const dynamoActions = (fn: LoyaltyFunction) => [...new Set(tableStatements(fn).flatMap(actionsOf))].sort();
  /** The item kinds `action` is allowed on, from the LeadingKeys condition; `all` when unconditioned. */
  const kindsFor = (fn: LoyaltyFunction, action: string): string[] | 'all' => {
    const statements = tableStatements(fn).filter((statement) => actionsOf(statement).includes(action));
    if (statements.some((statement) => statement.Condition === undefined)) return 'all';
    return statements.flatMap((statement) => [statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string | string[]].flat()).sort();
  };
  const prefixes = (...kinds: ItemKind[]) => kinds.map((kind) => `${ITEM_KINDS[kind]}*`).sort();

  describe('the API (the internet-facing function)', () => {
    it('may delete nothing, and write in no batch', () => {
      const actions = dynamoActions(synthesized.stack.api);

      expect(actions).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    });

    it('may put and update only shops, members, coupons, idempotency records, rate limits and referral codes and claims: never orders, never the figures', () => {
      const api = synthesized.stack.api;

      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(kindsFor(api, action)).toEqual(prefixes('shop', 'member', 'coupon', 'idempotency', 'rate', 'referral'));
      const writes = tableStatements(api).filter((statement) => actionsOf(statement).some((action) => WRITES.includes(action)));
      expect(writes).toEqual([expect.objectContaining({ Resource: tableArn, Condition: leadingKeysCondition(['shop', 'member', 'coupon', 'idempotency', 'rate', 'referral']) })]);
    });

    it('queries the members index by name, and no other index', () => {
      const resources = tableStatements(synthesized.stack.api).flatMap((statement) => [statement.Resource].flat());

      expect(resources.filter((resource) => JSON.stringify(resource).includes('/index/'))).toEqual([{ 'Fn::Join': ['', [tableArn, `/index/${GSI_MEMBERS_OF_SHOP}`]] }]);
    });
  });

  describe('the webhook processor', () => {
    it('may delete single items of a shop\'s own partition only (the token item, on app/uninstalled), and write in no batch', () => {
      const processor = synthesized.stack.intake.processor;

      expect(kindsFor(processor, 'dynamodb:DeleteItem')).toEqual(prefixes('shop'));
      expect(dynamoActions(processor)).not.toContain('dynamodb:BatchWriteItem');
    });

    it('may write what earning and the privacy topics write: no rate limits, no delivery ids, no figures', () => {
      const processor = synthesized.stack.intake.processor;

      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(kindsFor(processor, action)).toEqual(prefixes('shop', 'member', 'order', 'coupon', 'guest'));
    });

    it('queries no index', () => {
      const resources = tableStatements(synthesized.stack.intake.processor).flatMap((statement) => [statement.Resource].flat());

      expect(resources).toEqual(resources.map(() => tableArn));
    });
  });

  describe('the shop eraser', () => {
    it('alone may delete a shop\'s items broadly: in batches, every item kind', () => {
      const { intake, api, appPage, scheduledJobs } = synthesized.stack;

      expect(kindsFor(intake.shopEraser, 'dynamodb:BatchWriteItem')).toEqual(prefixes(...ALL_ITEM_KINDS));
      for (const fn of [intake.receiver, intake.processor, api, appPage, ...scheduledJobs.functions]) {
        expect(dynamoActions(fn)).not.toContain('dynamodb:BatchWriteItem');
        const deletes = kindsFor(fn, 'dynamodb:DeleteItem');
        expect(deletes === 'all' ? deletes : deletes.filter((prefix) => prefix !== `${ITEM_KINDS.shop}*`)).toEqual([]);
      }
    });

    it('reads only keys, through the table and the members index, and puts or updates nothing', () => {
      const eraser = synthesized.stack.intake.shopEraser;

      expect(dynamoActions(eraser)).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:Query']);
      const queried = tableStatements(eraser).filter((statement) => actionsOf(statement).includes('dynamodb:Query')).flatMap((statement) => [statement.Resource].flat());
      expect(queried).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, `/index/${GSI_MEMBERS_OF_SHOP}`]] }]);
    });
  });

  describe('the scheduled jobs', () => {
    /** What each job's code paths need (infra/scheduled-jobs.ts): reads, whether it queries the table itself, the indexes it queries, the kinds it writes. */
    const JOBS: Record<string, { reads: string[]; queriesTable: boolean; indexes: string[]; writes: ItemKind[] }> = {
      IssueCoupons: { reads: ['GetItem'], queriesTable: false, indexes: [GSI_BY_EXPIRY], writes: ['shop', 'member', 'coupon'] },
      Expire: { reads: ['GetItem', 'Query'], queriesTable: true, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Activate: { reads: ['GetItem', 'Query'], queriesTable: true, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Remind: { reads: ['BatchGetItem', 'GetItem', 'Query'], queriesTable: true, indexes: [GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP], writes: ['member'] },
      Winback: { reads: ['GetItem'], queriesTable: false, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Tiers: { reads: ['BatchGetItem', 'GetItem', 'Query'], queriesTable: true, indexes: [GSI_MEMBERS_OF_SHOP], writes: ['shop', 'member'] },
      ExportData: { reads: ['BatchGetItem', 'Query'], queriesTable: true, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Reconcile: { reads: ['BatchGetItem', 'GetItem', 'Query'], queriesTable: true, indexes: [GSI_MEMBERS_OF_SHOP], writes: ['shop', 'member', 'order', 'coupon', 'guest'] },
      Birthdays: { reads: ['GetItem'], queriesTable: false, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Referrals: { reads: ['BatchGetItem', 'GetItem', 'Query'], queriesTable: true, indexes: [GSI_BY_EXPIRY], writes: ['member'] },
      Lifecycle: { reads: ['BatchGetItem', 'GetItem'], queriesTable: false, indexes: [GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP], writes: ['shop', 'member'] },
    };
    const job = (name: string) => {
      const found = synthesized.stack.scheduledJobs.functions.find((fn) => fn.node.id === name);
      if (!found) throw new Error(`no job ${name}`);
      return found;
    };
    const queried = (fn: LoyaltyFunction) => tableStatements(fn).filter((statement) => actionsOf(statement).includes('dynamodb:Query')).flatMap((statement) => [statement.Resource].flat());

    it('are the eight jobs, each with rights of its own', () => {
      expect(synthesized.stack.scheduledJobs.functions.map((fn) => fn.node.id).sort()).toEqual(Object.keys(JOBS).sort());
    });

    it.each(Object.keys(JOBS))('let %s read, put and update what its code paths do, and never delete, write in a batch or check a condition alone', (name) => {
      const expected = JOBS[name]!;

      expect(dynamoActions(job(name))).toEqual([...new Set([...expected.reads, 'Query', 'PutItem', 'UpdateItem'])].map((action) => `dynamodb:${action}`).sort());
      for (const action of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Scan']) expect(kindsFor(job(name), action)).toEqual([]);
    });

    it.each(Object.keys(JOBS))('let %s put and update only the item kinds it writes, by the partition key: never figures, orders or idempotency records', (name) => {
      const fn = job(name);
      const { writes } = JOBS[name]!;

      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(kindsFor(fn, action)).toEqual(prefixes(...writes));
      const statements = tableStatements(fn).filter((statement) => actionsOf(statement).some((action) => WRITES.includes(action)));
      expect(statements).toEqual([expect.objectContaining({ Resource: tableArn, Condition: leadingKeysCondition(writes) })]);
    });

    it.each(Object.keys(JOBS))('let %s query the indexes it uses by name (never `index/*`), and the table itself only where it does', (name) => {
      const { indexes, queriesTable } = JOBS[name]!;
      const resources = queried(job(name));

      expect(resources.filter((resource) => JSON.stringify(resource).includes('/index/'))).toEqual(indexes.map((index) => ({ 'Fn::Join': ['', [tableArn, `/index/${index}`]] })));
      expect(resources.some((resource) => JSON.stringify(resource) === JSON.stringify(tableArn))).toBe(queriesTable);
      expect(JSON.stringify(tableStatements(job(name)))).not.toContain('/index/*');
    });

    it('hold as IAM would evaluate them: the expiry settlement and the tiers pass go through, what they never write does not', () => {
      const { stack, template } = synthesized;
      const expire = new TablePolicy(template, stack.table, job('Expire'));
      const tiers = new TablePolicy(template, stack.table, job('Tiers'));
      const put = (pk: string) => ({ Put: { TableName: 't', Item: { PK: { S: pk }, SK: { S: 'X' } } } });

      const settlement = tableRequests('TransactWriteItemsCommand', { TransactItems: [put('MEMBER#s#1'), put('MEMBER#s#1'), put('MEMBER#s#1')] });
      const withFigures = tableRequests('TransactWriteItemsCommand', { TransactItems: [put('MEMBER#s#1'), put('STATS#s#gauge#0')] });

      expect(settlement.every((request) => expire.allows(request))).toBe(true);
      expect(withFigures.map((request) => expire.allows(request))).toEqual([true, false]);
      expect(expire.allows({ action: 'dynamodb:Query', resource: 'table/index/GSI1', leadingKeys: ['EXPIRES#0'] })).toBe(true);
      expect(expire.allows({ action: 'dynamodb:Query', resource: `table/index/${GSI_MEMBERS_OF_SHOP}`, leadingKeys: ['SHOPS'] })).toBe(false);
      expect(expire.allows({ action: 'dynamodb:PutItem', resource: 'table', leadingKeys: ['SHOP#s'] })).toBe(false);
      expect(tiers.allows({ action: 'dynamodb:PutItem', resource: 'table', leadingKeys: ['SHOP#s'] })).toBe(true);
      expect(tiers.allows({ action: 'dynamodb:Query', resource: 'table/index/GSI1', leadingKeys: ['EXPIRES#0'] })).toBe(false);
      expect(tiers.allows({ action: 'dynamodb:DeleteItem', resource: 'table', leadingKeys: ['SHOP#s'] })).toBe(false);
      expect(tiers.allows({ action: 'dynamodb:PutItem', resource: 'table', leadingKeys: [] })).toBe(false);
    });
  });

  it('conditions every write of a function with declared rights on the partition key, present and of its kinds', () => {
    for (const fn of declared) {
      const writes = tableStatements(fn).filter((statement) => actionsOf(statement).some((action) => WRITES.includes(action)));

      expect(writes.length).toBeGreaterThan(0);
      for (const statement of writes) {
        expect(statement.Resource).toEqual(tableArn);
        expect(statement.Condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        expect([statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']].flat().every((prefix) => typeof prefix === 'string' && /^[A-Z]+#\*$/.test(prefix))).toBe(true);
      }
    }
  });

  it('hold as IAM would evaluate them (the check the Lambda-entry test runs the entries under)', () => {
    const { stack, template } = synthesized;
    const api = new TablePolicy(template, stack.table, stack.api);
    const eraser = new TablePolicy(template, stack.table, stack.intake.shopEraser);
    const put = (pk: string) => ({ Put: { TableName: 't', Item: { PK: { S: pk }, SK: { S: 'X' } } } });

    const redemption = tableRequests('TransactWriteItemsCommand', { TransactItems: [put('MEMBER#s#1'), put('COUPON#s#C'), put('IDEMPOTENCY#s#k')] });
    const withAnOrder = tableRequests('TransactWriteItemsCommand', { TransactItems: [put('MEMBER#s#1'), put('ORDER#s#1')] });
    const erasure = tableRequests('BatchWriteItemCommand', { RequestItems: { t: [{ DeleteRequest: { Key: { PK: { S: 'MEMBER#s#1' } } } }, { DeleteRequest: { Key: { PK: { S: 'ORDER#s#1' } } } }] } });

    expect(redemption.every((request) => api.allows(request))).toBe(true);
    expect(withAnOrder.map((request) => api.allows(request))).toEqual([true, false]);
    expect(api.allows({ action: 'dynamodb:DeleteItem', resource: 'table', leadingKeys: ['MEMBER#s#1'] })).toBe(false);
    expect(api.allows({ action: 'dynamodb:PutItem', resource: 'table', leadingKeys: [] })).toBe(false);
    expect(api.allows({ action: 'dynamodb:Query', resource: `table/index/${GSI_MEMBERS_OF_SHOP}`, leadingKeys: ['MEMBERS#s'] })).toBe(true);
    expect(api.allows({ action: 'dynamodb:Query', resource: 'table/index/GSI1', leadingKeys: ['OUTBOX#0'] })).toBe(false);
    expect(erasure.every((request) => eraser.allows(request))).toBe(true);
    expect(erasure.every((request) => api.allows(request))).toBe(false);
    expect(eraser.allows({ action: 'dynamodb:GetItem', resource: 'table', leadingKeys: ['SHOP#s'] })).toBe(false);
  });

  it('never grants ConditionCheckItem, Scan or the stream to a function with declared rights (no code path uses them)', () => {
    for (const fn of declared) {
      expect(dynamoActions(fn).filter((action) => ['dynamodb:ConditionCheckItem', 'dynamodb:Scan', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].includes(action))).toEqual([]);
    }
  });
});

describe('the figures aggregator', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });
  const statements = () => allowStatements(synthesized.template, synthesized.stack.figures.function).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));

  it('reads the table\'s stream, gets single items (its marks), and writes only figures, priority rows and marks: no member, order or token; deletes only figures\' items (priority rows)', () => {
    const actions = [...new Set(statements().flatMap((statement) => [statement.Action].flat()))].sort();
    expect(actions).toEqual(['dynamodb:DeleteItem', 'dynamodb:DescribeStream', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    const writes = statements().filter((statement) => [statement.Action].flat().includes('dynamodb:PutItem'));
    expect(writes).toEqual([expect.objectContaining({ Condition: leadingKeysCondition(['stats', 'figures']) })]);
    const deletes = statements().filter((statement) => [statement.Action].flat().includes('dynamodb:DeleteItem'));
    expect(deletes).toEqual([expect.objectContaining({ Condition: leadingKeysCondition(['stats']) })]);
  });
});

describe('the item kinds', () => {
  it('are the prefixes the store writes its partition keys with', async () => {
    // A rate-limit window's key is built inside its adapter: ask it.
    let ratePartition = '';
    const client = { send: async (command: unknown) => void (ratePartition = String((command as UpdateItemCommand).input.Key?.PK?.S)) } as unknown as DynamoDBClient;
    await new DynamoDbRateLimitStore(client, 'table').takeRateToken('a.myshopify.com', 'redeem#1', '2026-01-01T00:00:00Z', 5, new Date());

    const written: Record<ItemKind, string[]> = {
      shop: [shopKey('a').PK, accessTokenKey('a').PK, webhookDeliveryKey('a', 'orders/paid').PK, programVersionKey('a', 1).PK],
      member: [memberPartition('a', '1')],
      order: [orderKey('a', '1').PK],
      idempotency: [idempotencyKey('a', 'k').PK],
      coupon: [couponKey('a', 'CODE').PK],
      stats: statsKeys('a', 'gauge').map((key) => key.PK),
      figures: [figureMarkKey('000000000000000000001').PK],
      rate: [ratePartition],
      outbound: [outboundMemberKey('a', '1').PK, outboundProgramKey('a').PK, outboundEventKey('a', 'points_earned:a:1:x', 'flow').PK],
      referral: [referralCodeKey('a', 'ABCDEFGH').PK, referralFriendKey('a', 'f00d').PK],
      guest: [guestClaimKey('a', 'f00d', '1').PK],
    };

    expect(Object.keys(written).sort()).toEqual([...ALL_ITEM_KINDS].sort());
    for (const kind of ALL_ITEM_KINDS) for (const partition of written[kind]) expect(partition.startsWith(ITEM_KINDS[kind])).toBe(true);
  });

  it('become a LeadingKeys condition that also refuses a request naming no key', () => {
    expect(leadingKeysCondition(['member', 'coupon', 'member'])).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MEMBER#*', 'COUPON#*'] },
      Null: { 'dynamodb:LeadingKeys': 'false' },
    });
  });
});
