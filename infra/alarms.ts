/**
 * What wakes someone up: a dead letter, a queue that stops draining, a function that errors or is
 * throttled (for each queue and each function the stack names). Every alarm notifies one encrypted
 * SNS topic, optionally mailed to `alarmEmail`.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';

/** A queue worked through by a function, and its dead-letter queue. */
export interface WatchedQueue {
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** One message, for the alarm text: `A webhook`. */
  readonly message: string;
  /** What works through the queue, for the alarm text: `the processor`. */
  readonly consumer: string;
  /** The oldest message older than this means the consumer is not keeping up (or not running). */
  readonly maxAge: Duration;
  /** How many tries before a message is dead-lettered, for the alarm text (`five` by default). */
  readonly tries?: string;
}

/** A function fed by a stream, and where the batches it gave up on go. */
export interface WatchedStream {
  readonly consumer: LoyaltyFunction;
  readonly deadLetterQueue: IQueue;
  /** What the stream feeds, for the alarm text: `the figures`. */
  readonly feeds: string;
  /** Records older than this when read mean the consumer is not keeping up. */
  readonly maxIteratorAge: Duration;
}

export interface AlarmsProps {
  readonly settings: StageSettings;
  readonly functions: Readonly<Record<string, LoyaltyFunction>>;
  /** By name, which starts their alarms' ids (`FiguresStreamDeadLetters`). */
  readonly streams?: Readonly<Record<string, WatchedStream>>;
  /** By name, which starts their alarms' ids (`WebhookDeadLetters`). */
  readonly queues: Readonly<Record<string, WatchedQueue>>;
}

/** A webhook older than this in the queue means the processor is not keeping up (or not running). */
export const OLDEST_MESSAGE_AGE_LIMIT = Duration.minutes(15);

export class Alarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    // A customer managed key, because CloudWatch cannot publish to a topic under the AWS managed SNS key.
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the loyalty alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.settings.removalPolicy,
    });
    key.grant(cloudWatch, 'kms:Decrypt', 'kms:GenerateDataKey*');

    this.topic = new Topic(this, 'Topic', { displayName: `Loyalty alarms (${props.settings.stage})`, masterKey: key, enforceSSL: true });
    // The topic policy CDK writes (for enforceSSL) replaces SNS's default one, so CloudWatch is let in by name.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.settings.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.settings.alarmEmail));

    for (const [name, watched] of Object.entries(props.queues)) {
      this.add(`${name}DeadLetters`, {
        metric: watched.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        description: `${watched.message} failed processing ${watched.tries ?? 'five'} times and waits in the dead-letter queue: read it, fix the cause, redrive it.`,
      });
      this.add(`${name}QueueOldestMessageAge`, {
        metric: watched.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: watched.maxAge.toSeconds(),
        description: `${watched.message} has waited more than ${watched.maxAge.toHumanString()} in the queue: ${watched.consumer} is failing, throttled or not running.`,
      });
    }
    for (const [name, watched] of Object.entries(props.streams ?? {})) {
      this.add(`${name}StreamDeadLetters`, {
        metric: watched.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 0,
        description: `A batch of the table's change stream failed every try and ${watched.feeds} miss it: its description waits in the dead-letter queue (shard, sequence numbers); fix the cause, then replay it.`,
      });
      this.add(`${name}StreamIteratorAge`, {
        metric: watched.consumer.function.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: watched.maxIteratorAge.toMilliseconds(),
        description: `The table's change stream is read more than ${watched.maxIteratorAge.toHumanString()} late: ${watched.feeds} lag behind the ledger.`,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, {
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        description: `The ${name} function threw (or timed out); its log group has the details.`,
      });
      this.add(`${name}Throttles`, {
        metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 0,
        description: `The ${name} function was throttled: the account's concurrency is exhausted.`,
      });
    }
  }

  private add(id: string, alarm: { metric: IMetric; threshold: number; description: string }): void {
    const created = new Alarm(this, id, {
      metric: alarm.metric,
      threshold: alarm.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no messages, no invocations: nothing wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: alarm.description,
    });
    const action = new SnsAction(this.topic);
    created.addAlarmAction(action);
    created.addOkAction(action);
    this.alarms.push(created);
  }
}
