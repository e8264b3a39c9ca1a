import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERASER_TIMEOUT, MAX_RECEIVE_COUNT, PROCESSOR_TIMEOUT } from '../../infra/webhook-intake.ts';
import { functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';
import type { CfnElement } from 'aws-cdk-lib';

describe('webhook intake', () => {
  let synthesized: Synthesized;
  let queueId: string;
  let deadLetterQueueId: string;
  let shopRedactQueueId: string;
  let shopRedactDeadLetterQueueId: string;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    const id = (construct: { node: { defaultChild?: unknown } }) => logicalId(construct.node.defaultChild as CfnElement);
    const { intake } = synthesized.stack;
    queueId = id(intake.queue);
    deadLetterQueueId = id(intake.deadLetterQueue);
    shopRedactQueueId = id(intake.shopRedactQueue);
    shopRedactDeadLetterQueueId = id(intake.shopRedactDeadLetterQueue);
  });

  it('parks a message that failed five times in a dead-letter queue, one for each of the two queues', () => {
    // The intake's four; the fifth is the figures aggregator's dead-letter queue (figures.test.ts), the other three the outbound pipeline's (outbound.test.ts).
    synthesized.template.resourceCountIs('AWS::SQS::Queue', 8);
    const queues = synthesized.template.findResources('AWS::SQS::Queue');

    const redrive = (id: string) => queues[id]?.Properties.RedrivePolicy;

    expect(redrive(queueId)).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT });
    expect(redrive(shopRedactQueueId)).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [shopRedactDeadLetterQueueId, 'Arn'] }, maxReceiveCount: MAX_RECEIVE_COUNT });
    expect(MAX_RECEIVE_COUNT).toBe(5);
  });

  it('keeps dead letters longer than the queue keeps messages', () => {
    const queues = synthesized.template.findResources('AWS::SQS::Queue');

    const retention = (id: string) => (queues[id]?.Properties as { MessageRetentionPeriod: number }).MessageRetentionPeriod;

    for (const [queue, deadLetters] of [[queueId, deadLetterQueueId], [shopRedactQueueId, shopRedactDeadLetterQueueId]] as const) {
      expect(retention(deadLetters)).toBe(14 * 24 * 3600);
      expect(retention(deadLetters)).toBeGreaterThan(retention(queue));
    }
  });

  it('hides a message in work for at least six processor timeouts', () => {
    const queue = synthesized.template.findResources('AWS::SQS::Queue')[queueId]?.Properties as { VisibilityTimeout: number };
    const processor = synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(synthesized.stack.intake.processor)]?.Properties as { Timeout: number };

    expect(processor.Timeout).toBe(PROCESSOR_TIMEOUT.toSeconds());
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * processor.Timeout);
  });

  it('hides a shop/redact in work for at least six eraser timeouts', () => {
    const queue = synthesized.template.findResources('AWS::SQS::Queue')[shopRedactQueueId]?.Properties as { VisibilityTimeout: number };
    const eraser = synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(synthesized.stack.intake.shopEraser)]?.Properties as { Timeout: number };

    expect(eraser.Timeout).toBe(ERASER_TIMEOUT.toSeconds());
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * eraser.Timeout);
  });

  it('encrypts every queue with SQS-managed keys and refuses plain HTTP', () => {
    const queues = synthesized.template.findResources('AWS::SQS::Queue');

    for (const id of [queueId, deadLetterQueueId, shopRedactQueueId, shopRedactDeadLetterQueueId]) {
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
    // The two queues', the table stream's (figures.test.ts), and the outbound stream's and queue's (outbound.test.ts).
    synthesized.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 5);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: functionLogicalId(synthesized.stack.intake.processor) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('feeds shop/redact deliveries to the shop eraser alone, one shop at a time, two at most at once', () => {
    const mappings = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping')).map((mapping) => mapping.Properties as Record<string, unknown>);

    const fromShopRedact = mappings.filter((mapping) => JSON.stringify(mapping.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [shopRedactQueueId, 'Arn'] }));

    expect(fromShopRedact).toEqual([
      expect.objectContaining({
        FunctionName: { Ref: functionLogicalId(synthesized.stack.intake.shopEraser) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 2 },
      }),
    ]);
  });

  it('tells the receiver where both queues are, and the processor and the shop eraser where the table is', () => {
    const { intake, table } = synthesized.stack;
    const tableId = logicalId(table.table.node.defaultChild as CfnElement);

    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('queues'),
      Environment: { Variables: Match.objectLike({ QUEUE_URL: { Ref: queueId }, SHOP_REDACT_QUEUE_URL: { Ref: shopRedactQueueId }, APP_SECRET_ARN: Match.anyValue() }) },
    });
    for (const fn of [intake.processor, intake.shopEraser]) {
      const variables = (synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(fn)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      expect(variables.TABLE_NAME).toEqual({ Ref: tableId });
      expect(variables).not.toHaveProperty('APP_SECRET_ARN');
    }
  });
});
