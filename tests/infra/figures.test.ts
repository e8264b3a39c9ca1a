/** The figures' aggregator in the stack: the table's stream, its event source, its dead letters. */
import { beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATOR_BATCH_SIZE, FIGURE_SOURCES } from '../../infra/figures-aggregator.ts';
import { figureSourceOf } from '../../shared/store/dynamodb/stream-records.ts';
import { functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';
import type { CfnElement } from 'aws-cdk-lib';

describe('the figures aggregator', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });

  it('is fed by the table’s stream with old and new images', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });

  it('takes one shard’s records in order, reports failed records, bisects a failing batch, and dead-letters what fails ten times', () => {
    const { figures, table } = synthesized.stack;
    const mappings = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping')).map((mapping) => mapping.Properties as Record<string, any>);
    const fromStream = mappings.filter((mapping) => mapping.FunctionName?.Ref === functionLogicalId(figures.function));
    expect(fromStream).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [logicalId(table.table.node.defaultChild as CfnElement), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: AGGREGATOR_BATCH_SIZE,
        MaximumBatchingWindowInSeconds: 30,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['member', 'order', 'coupon', 'ledger', 'feedback'] } } } }) }] },
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(figures.deadLetterQueue.node.defaultChild as CfnElement), 'Arn'] } } },
      }),
    ]);
  });

  it('lets through exactly the records the figures read (the filter and stream-records.ts agree)', () => {
    const entities = ['member', 'order', 'coupon', 'ledger', 'feedback', 'lot', 'notification', 'stats', 'figure-mark', 'rate-limit', 'idempotency', 'shop'];
    const read = entities.filter((entity) => figureSourceOf({ eventName: 'INSERT', dynamodb: { NewImage: { PK: { S: 'X' }, SK: { S: 'Y' }, entity: { S: entity }, shop: { S: 'a.myshopify.com' }, spendByOrder: { M: {} } } } }) !== undefined);
    expect(read).toEqual(FIGURE_SOURCES);
  });

  it('wakes someone when a batch is dead-lettered or the stream is read late', () => {
    const alarms = Object.keys(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.filter((id) => /FiguresStream(DeadLetters|IteratorAge)/.test(id))).toHaveLength(2);
  });
});
