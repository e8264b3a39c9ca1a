/** The outbound pipeline in the stack: the stream's second reader, the work queue, the sender, the event bus. */
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTBOUND_MAX_RECEIVES, OUTBOUND_SENDER_BATCH_SIZE, OUTBOUND_STREAM_BATCH_SIZE, OUTBOUND_STREAM_SOURCES } from '../../infra/outbound.ts';
import { leadingKeysCondition } from '../../infra/table-access.ts';
import { outboundSourceOf } from '../../shared/store/dynamodb/stream-records.ts';
import { allowedActions, allowStatements, functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('the outbound pipeline', () => {
  let synthesized: Synthesized;
  const mappingsOf = (fn: Parameters<typeof functionLogicalId>[0]) =>
    Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping'))
      .map((mapping) => mapping.Properties as Record<string, any>)
      .filter((mapping) => mapping.FunctionName?.Ref === functionLogicalId(fn));
  const arnOf = (element: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [logicalId(element.node.defaultChild as CfnElement), 'Arn'] });

  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });

  it('reads the table’s stream filtered to members, ledger entries, coupons, messages and shops, bisects, retries and dead-letters a failing batch', () => {
    const { outbound, table } = synthesized.stack;
    expect(mappingsOf(outbound.streamConsumer)).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [logicalId(table.table.node.defaultChild as CfnElement), 'StreamArn'] },
        StartingPosition: 'LATEST',
        BatchSize: OUTBOUND_STREAM_BATCH_SIZE,
        MaximumBatchingWindowInSeconds: 5,
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: OUTBOUND_STREAM_SOURCES } } } }) }] },
        DestinationConfig: { OnFailure: { Destination: arnOf(outbound.streamDeadLetterQueue) } },
      }),
    ]);
    expect([...OUTBOUND_STREAM_SOURCES].sort()).toEqual(['coupon', 'ledger', 'member', 'notification', 'shop']);
  });

  it('lets through every record the consumer reads (the filter and stream-records.ts agree)', () => {
    const entities = ['member', 'order', 'coupon', 'ledger', 'feedback', 'lot', 'notification', 'stats', 'figure-mark', 'rate-limit', 'idempotency', 'shop', 'metafield-sync', 'event-sent', 'access-token'];
    const image = (entity: string) => ({
      PK: { S: 'X' },
      SK: { S: 'Y' },
      entity: { S: entity },
      shop: { S: 'a.myshopify.com' },
      customerId: { S: '1' },
      spendByOrder: { M: {} },
      notification: { M: { shop: { S: 'a.myshopify.com' }, customerId: { S: '1' }, id: { S: 'n' }, kind: { S: 'points_expiring' } } },
      status: { S: 'queued' },
      dueAt: { S: '2026-01-01T00:00:00Z' },
    });
    const read = entities.filter((entity) => {
      try {
        return outboundSourceOf({ eventName: 'INSERT', dynamodb: { NewImage: image(entity) } }) !== undefined;
      } catch {
        return true; // read, though this made-up image is not a whole record
      }
    });
    // Orders and survey answers are read by the figures alone: the outbound filter leaves them out.
    expect(read.filter((entity) => !['order', 'feedback'].includes(entity)).sort()).toEqual([...OUTBOUND_STREAM_SOURCES].sort());
  });

  it('queues work with a dead-letter queue after ten tries, and a visibility timeout six times the sender’s', () => {
    const { outbound } = synthesized.stack;
    synthesized.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: arnOf(outbound.deadLetterQueue), maxReceiveCount: OUTBOUND_MAX_RECEIVES },
      SqsManagedSseEnabled: true,
    });
  });

  it('sends a few seconds’ worth of work at a time, two senders at most, reporting failed messages one by one', () => {
    const { outbound } = synthesized.stack;
    expect(mappingsOf(outbound.sender)).toEqual([
      expect.objectContaining({
        EventSourceArn: arnOf(outbound.queue),
        BatchSize: OUTBOUND_SENDER_BATCH_SIZE,
        MaximumBatchingWindowInSeconds: 5,
        ScalingConfig: { MaximumConcurrency: 2 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
  });

  it('publishes events on a bus of the stage’s own', () => {
    synthesized.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'loyalty-outbound-prod' });
    const dev = synthesize({ context: { stage: 'dev' } });
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'loyalty-outbound-dev' });
  });

  it('lets the stream consumer read items and the stream and send to its queue, and write nothing', () => {
    const { outbound } = synthesized.stack;
    const actions = allowedActions(synthesized.template, outbound.streamConsumer);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams']);
    expect(actions).toEqual(expect.arrayContaining(['sqs:SendMessage']));
    expect(actions.some((action) => action.startsWith('events:') || action.startsWith('kms:Decrypt') || action.startsWith('secretsmanager:'))).toBe(false);
  });

  it('lets the sender write only its own items and the token item, delete only its own, put events on its bus, and open the tokens', () => {
    const { outbound, messages } = synthesized.stack;
    const statements = allowStatements(synthesized.template, outbound.sender);
    const dynamo = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('dynamodb:')));
    const writes = dynamo.filter((statement) => [statement.Action].flat().includes('dynamodb:PutItem'));
    const deletes = dynamo.filter((statement) => [statement.Action].flat().includes('dynamodb:DeleteItem'));
    expect(writes).toEqual([expect.objectContaining({ Condition: leadingKeysCondition(['outbound', 'shop']) })]);
    expect(deletes).toEqual([expect.objectContaining({ Condition: leadingKeysCondition(['outbound']) })]);
    const actions = allowedActions(synthesized.template, outbound.sender);
    expect(actions).toEqual(expect.arrayContaining(['events:PutEvents', 'kms:Decrypt', 'secretsmanager:GetSecretValue', 'sqs:SendMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    const putEvents = statements.filter((statement) => [statement.Action].flat().includes('events:PutEvents'));
    expect(putEvents.flatMap((statement) => [statement.Resource].flat())).toEqual([arnOf(outbound.bus)]);
    expect(JSON.stringify(putEvents)).not.toContain(logicalId(messages.bus.node.defaultChild as CfnElement));
  });

  it('wakes someone when work or a stream batch is dead-lettered, the queue stalls, or the stream is read late', () => {
    const alarms = Object.keys(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.filter((id) => /Outbound(DeadLetters|QueueOldestMessageAge|StreamDeadLetters|StreamIteratorAge)/.test(id))).toHaveLength(4);
    expect(alarms.filter((id) => /Outbound(Stream|Sender)(Errors|Throttles)/.test(id))).toHaveLength(4);
  });
});
