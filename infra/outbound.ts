/**
 * What the loyalty program tells Shopify and the world, off the table's change stream: the
 * second reader of the stream (`functions/outbound-stream`; DynamoDB Streams serves about two
 * readers a shard: the figures and this) turns each batch of changes into work items on an SQS
 * queue; the sender (`functions/outbound-sender`) does them a few seconds' worth at a time,
 * per shop: customer and shop metafields (`metafieldsSet`), Flow triggers, and the outbound event
 * bus created here. Failures: the stream batch is retried, bisected, then described in a dead-letter
 * queue; a message fails alone, is kept away as long as Shopify asked (throttling), and after
 * `OUTBOUND_MAX_RECEIVES` tries waits in the queue's dead-letter queue. Both are alarmed
 * (`infra/alarms.ts`).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOUND_SOURCES } from '../shared/stream/events-of.ts';
import { lambdaEntries } from './bundle-options.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';
import type { TableAccess } from './table-access.ts';
import type { TokenKey } from './token-key.ts';

export interface OutboundProps {
  readonly settings: StageSettings;
  readonly table: Table;
  readonly appSecret: ISecret;
  readonly tokenKey: TokenKey;
}

/**
 * The records the outbound work comes from: members (metafields, tier events), ledger entries
 * (points earned), coupons (redemptions), outbox messages (points expiring), as the events' own
 * list says (`OUTBOUND_SOURCES`), and shops (the program metafield). Written or changed; removals
 * and everything else (lots, figures, the pipeline's own `OUTBOUND#` items) never invoke it.
 */
export const OUTBOUND_STREAM_SOURCES = [...new Set<string>([...OUTBOUND_SOURCES.entities, 'member', 'shop'])];
export const OUTBOUND_STREAM_BATCH_SIZE = 100;
/** A burst of one member's orders mostly lands in one batch, so it makes one sync. */
export const OUTBOUND_STREAM_BATCHING_WINDOW = Duration.seconds(5);
export const OUTBOUND_SENDER_TIMEOUT = Duration.seconds(30);
/** SQS wants at least six times the function's timeout, so a message is never received twice at once. */
export const OUTBOUND_VISIBILITY_TIMEOUT = Duration.minutes(3);
export const OUTBOUND_MAX_RECEIVES = 10;
/** The sender's batches: a few seconds' worth, so several members share a `metafieldsSet` call. */
export const OUTBOUND_SENDER_BATCH_SIZE = 50;
export const OUTBOUND_SENDER_BATCHING_WINDOW = Duration.seconds(5);
/** Two senders at most: Shopify's cost bucket is per shop, and a burst is spread rather than raced. */
export const OUTBOUND_SENDER_CONCURRENCY = 2;

/** The stream consumer reads the shop of each batch (GetItem, for the events' program) and writes nothing. */
export const OUTBOUND_STREAM_TABLE_ACCESS: TableAccess = {
  read: ['GetItem'],
};

/**
 * The sender reads the shop, the member and the token item (GetItem) and the member's lots (Query
 * in their partition); writes its own `OUTBOUND#` items (sync windows, event markers) and the
 * shop's token item when it renews an expired token (`SHOP#`); deletes an event marker it gives
 * back after a failure. Never a member, a lot, an order or a coupon; no index.
 */
export const OUTBOUND_SENDER_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'Query'],
  write: ['outbound', 'shop'],
  delete: ['outbound'],
};

export class Outbound extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly streamDeadLetterQueue: Queue;
  readonly bus: EventBus;
  readonly streamConsumer: LoyaltyFunction;
  readonly sender: LoyaltyFunction;

  constructor(scope: Construct, id: string, props: OutboundProps) {
    super(scope, id);
    const { settings, table } = props;

    this.bus = new EventBus(this, 'EventBus', { eventBusName: `loyalty-outbound-${settings.stage}`, description: 'Loyalty events (tier changed, points earned, reward redeemed, points expiring, reward available)' });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: Duration.days(4),
      visibilityTimeout: OUTBOUND_VISIBILITY_TIMEOUT,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: OUTBOUND_MAX_RECEIVES },
    });
    this.streamDeadLetterQueue = new Queue(this, 'StreamDeadLetterQueue', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    Validations.of(this.streamDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter destination itself: Lambda puts the description of a stream batch the outbound consumer gave up on here (shard, sequence numbers), and a person replays it after fixing the cause.',
    });

    this.streamConsumer = new LoyaltyFunction(this, 'StreamConsumer', {
      entry: lambdaEntries.outboundStream,
      description: "Turns the table's change stream into outbound work (metafields, events) on the outbound queue",
      serviceName: 'loyalty-outbound-stream',
      settings,
      timeout: Duration.seconds(30),
      environment: { TABLE_NAME: table.tableName, OUTBOUND_QUEUE_URL: this.queue.queueUrl },
    });
    this.streamConsumer.grantTable(table, OUTBOUND_STREAM_TABLE_ACCESS);
    this.streamConsumer.grantQueueSend(this.queue);
    Validations.of(this.streamConsumer.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda lists the table\'s streams with dynamodb:ListStreams, which takes no resource but "*"; the stream itself (DescribeStream, GetShardIterator, GetRecords) is granted on this table\'s stream ARN alone.',
    });
    this.streamConsumer.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: OUTBOUND_STREAM_BATCH_SIZE,
        maxBatchingWindow: OUTBOUND_STREAM_BATCHING_WINDOW,
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.streamDeadLetterQueue),
        filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY'), dynamodb: { NewImage: { entity: { S: FilterRule.or(...OUTBOUND_STREAM_SOURCES) } } } })],
      }),
    );

    this.sender = new LoyaltyFunction(this, 'Sender', {
      entry: lambdaEntries.outboundSender,
      description: 'Writes customer and shop metafields, starts Flow triggers and publishes loyalty events',
      serviceName: 'loyalty-outbound-sender',
      settings,
      timeout: OUTBOUND_SENDER_TIMEOUT,
      readsSecrets: true,
      environment: {
        TABLE_NAME: table.tableName,
        OUTBOUND_QUEUE_URL: this.queue.queueUrl,
        OUTBOUND_EVENT_BUS_NAME: this.bus.eventBusName,
        APP_SECRET_ARN: props.appSecret.secretArn,
        ...props.tokenKey.environment,
      },
    });
    this.sender.grantTable(table, OUTBOUND_SENDER_TABLE_ACCESS);
    this.sender.grantSecretRead(props.appSecret);
    props.tokenKey.grantUse(this.sender);
    this.sender.grantPutEvents(this.bus);
    // A sync deferred to its window's end goes back on the queue, delayed; the event source grants receive, delete and change-visibility.
    this.sender.grantQueueSend(this.queue);
    this.sender.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: OUTBOUND_SENDER_BATCH_SIZE,
        maxBatchingWindow: OUTBOUND_SENDER_BATCHING_WINDOW,
        maxConcurrency: OUTBOUND_SENDER_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
  }
}
