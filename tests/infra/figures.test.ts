/** The figures' aggregator in the stack: the table's stream, its event source, its dead letters. */
import { beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATOR_BATCH_SIZE } from '../../infra/figures-aggregator.ts';
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
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(figures.deadLetterQueue.node.defaultChild as CfnElement), 'Arn'] } } },
      }),
    ]);
  });

  it('wakes someone when a batch is dead-lettered or the stream is read late', () => {
    const alarms = Object.keys(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.filter((id) => /FiguresStream(DeadLetters|IteratorAge)/.test(id))).toHaveLength(2);
  });
});
