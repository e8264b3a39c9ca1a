import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OLDEST_MESSAGE_AGE_LIMIT } from '../../infra/alarms.ts';
import { ERASURE_AGE_LIMIT } from '../../infra/webhook-intake.ts';
import { functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

interface AlarmProperties {
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: unknown }[];
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  TreatMissingData: string;
}

describe('alarms', () => {
  let synthesized: Synthesized;
  let alarms: AlarmProperties[];
  let topicId: string;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod', alarmEmail: 'oncall@example.com' } });
    alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as AlarmProperties);
    topicId = logicalId(synthesized.stack.alarms.topic.node.defaultChild as CfnElement);
  });

  const alarmOn = (metricName: string, dimensionValue: unknown) =>
    alarms.filter((alarm) => alarm.MetricName === metricName && alarm.Dimensions.some((dimension) => JSON.stringify(dimension.Value) === JSON.stringify(dimensionValue)));

  it('fires as soon as one message lands in either dead-letter queue', () => {
    const { deadLetterQueue, shopRedactDeadLetterQueue } = synthesized.stack.intake;

    for (const queue of [deadLetterQueue, shopRedactDeadLetterQueue]) {
      const found = alarmOn('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [logicalId(queue.node.defaultChild as CfnElement), 'QueueName'] });

      expect(found).toEqual([expect.objectContaining({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' })]);
    }
  });

  it('fires when the oldest webhook in the queue waits too long', () => {
    const queue = logicalId(synthesized.stack.intake.queue.node.defaultChild as CfnElement);

    const [alarm] = alarmOn('ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [queue, 'QueueName'] });

    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: OLDEST_MESSAGE_AGE_LIMIT.toSeconds(), ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('fires when a shop/redact waits longer than all its retries would take', () => {
    const queue = logicalId(synthesized.stack.intake.shopRedactQueue.node.defaultChild as CfnElement);

    const [alarm] = alarmOn('ApproximateAgeOfOldestMessage', { 'Fn::GetAtt': [queue, 'QueueName'] });

    expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: ERASURE_AGE_LIMIT.toSeconds(), ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('watches every function for errors and throttles', () => {
    const { intake, api, appPage, scheduledJobs, figures, outbound } = synthesized.stack;

    for (const fn of [intake.receiver, intake.processor, intake.shopEraser, api, appPage, figures.function, outbound.streamConsumer, outbound.sender, ...scheduledJobs.functions]) {
      const name = { Ref: functionLogicalId(fn) };
      expect(alarmOn('Errors', name)).toHaveLength(1);
      expect(alarmOn('Throttles', name)).toHaveLength(1);
    }
    // Two for each of the three queues, two for each of the table's two stream readers and two for each function: the count the README prices.
    expect(alarms).toHaveLength(3 * 2 + 2 * 2 + (8 + scheduledJobs.functions.length) * 2);
  });

  it('notifies the topic when an alarm fires and when it clears, and stays quiet without data', () => {
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('encrypts the topic with a rotating key that CloudWatch may use', () => {
    const key = logicalId(synthesized.stack.alarms.topic.masterKey?.node.defaultChild as CfnElement);

    synthesized.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    synthesized.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  it('lets CloudWatch publish to the topic over TLS only', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('mails the alarm address from context, and no one when there is none', () => {
    const quiet = synthesize({ context: { stage: 'prod' } });

    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } });
    quiet.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
