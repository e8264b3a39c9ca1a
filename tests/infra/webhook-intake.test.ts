import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT, PROCESSOR_TIMEOUT } from '../../infra/webhook-intake.ts';
import { functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';
import type { CfnElement } from 'aws-cdk-lib';

describe('webhook intake', () => {
  let synthesized: Synthesized;
  let queueId: string;
  let deadLetterQueueId: string;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    queueId = logicalId(synthesized.stack.intake.queue.node.defaultChild as CfnElement);
    deadLetterQueueId = logicalId(synthesized.stack.intake.deadLetterQueue.node.defaultChild as CfnElement);
  });

  it('parks a message that failed five times in a dead-letter queue', () => {
    synthesized.template.resourceCountIs('AWS::SQS::Queue', 2);
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    expect(MAX_RECEIVE_COUNT).toBe(5);
  });

  it('keeps dead letters longer than the queue keeps messages', () => {
    const queues = synthesized.template.findResources('AWS::SQS::Queue');

    const retention = (id: string) => (queues[id]?.Properties as { MessageRetentionPeriod: number }).MessageRetentionPeriod;

    expect(retention(deadLetterQueueId)).toBe(14 * 24 * 3600);
    expect(retention(deadLetterQueueId)).toBeGreaterThan(retention(queueId));
  });

  it('hides a message in work for at least six processor timeouts', () => {
    const queue = synthesized.template.findResources('AWS::SQS::Queue')[queueId]?.Properties as { VisibilityTimeout: number };
    const processor = synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(synthesized.stack.intake.processor)]?.Properties as { Timeout: number };

    expect(processor.Timeout).toBe(PROCESSOR_TIMEOUT.toSeconds());
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * processor.Timeout);
  });

  it('encrypts both queues with SQS-managed keys and refuses plain HTTP', () => {
    const queues = synthesized.template.findResources('AWS::SQS::Queue');

    for (const id of [queueId, deadLetterQueueId]) {
      expect(queues[id]?.Properties.SqsManagedSseEnabled).toBe(true);
      synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('feeds the processor from the queue and lets it report failed messages one by one', () => {
    synthesized.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: functionLogicalId(synthesized.stack.intake.processor) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('tells the receiver where the queue is and the processor where the table is', () => {
    const { intake, table } = synthesized.stack;
    const tableId = logicalId(table.table.node.defaultChild as CfnElement);

    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('queues'),
      Environment: { Variables: Match.objectLike({ QUEUE_URL: { Ref: queueId }, APP_SECRET_ARN: Match.anyValue() }) },
    });
    const processor = synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(intake.processor)]?.Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(processor.Environment.Variables.TABLE_NAME).toEqual({ Ref: tableId });
    expect(processor.Environment.Variables).not.toHaveProperty('APP_SECRET_ARN');
  });
});
