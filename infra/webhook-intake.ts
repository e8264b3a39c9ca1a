/**
 * Webhook intake that never loses an event: the receiver verifies and enqueues (answering Shopify
 * well inside its five seconds), the processor works through the queue, failed messages are
 * retried one by one and, after a few receives, parked in a dead-letter queue for a person to look at.
 *
 * `shop/redact` takes a queue and a function of its own, the shop eraser: the one function that
 * may delete a whole shop's items. The processor, which every other topic reaches, may delete
 * nothing but what `app/uninstalled` removes.
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GSI_MEMBERS_OF_SHOP } from '../shared/store/dynamodb/keys.ts';
import { lambdaEntries } from './bundle-options.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';
import { ALL_ITEM_KINDS, type TableAccess } from './table-access.ts';

export interface WebhookIntakeProps {
  readonly settings: StageSettings;
  readonly table: Table;
  readonly appSecret: ISecret;
}

/** Receives before a message goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
export const PROCESSOR_TIMEOUT = Duration.seconds(30);
/** AWS guidance: at least six times the function timeout, so retries under throttling do not redeliver a message still in work. */
export const VISIBILITY_TIMEOUT = Duration.seconds(PROCESSOR_TIMEOUT.toSeconds() * 6);
/** One delivery erases up to 100,000 items (`shared/privacy/privacy.ts`), a minute or two of batch deletes. */
export const ERASER_TIMEOUT = Duration.minutes(5);
export const ERASURE_VISIBILITY_TIMEOUT = Duration.seconds(ERASER_TIMEOUT.toSeconds() * 6);
/** A large shop's erasure goes on over several deliveries, each after a visibility timeout: a message older than all of them has stalled. */
export const ERASURE_AGE_LIMIT = Duration.seconds(ERASURE_VISIBILITY_TIMEOUT.toSeconds() * (MAX_RECEIVE_COUNT + 1));

/**
 * What the processor's code paths do with the table (`processDelivery` for every topic but
 * `shop/redact`): earning reads the shop, member, order, lots and coupons (GetItem, BatchGetItem,
 * Query in the member's partition) and commits the shop, member, lots, ledger, order and coupon
 * uses (no figures, no delivery ids: the stream aggregator keeps the figures); `customers/redact`
 * updates the member's partition, `customers/data_request`
 * puts an export request there; `app/uninstalled` deactivates the shop and deletes its token
 * item; the delivery log updates the shop's partition. No index, no rate limits, no bulk delete.
 */
export const PROCESSOR_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  // `guest`: a guest order's claim, written with the order and marked claimed by customers/create.
  write: ['shop', 'member', 'order', 'coupon', 'guest'],
  // The token item (`SHOP#{shop}` / `TOKEN`) on app/uninstalled; IAM cannot single out the sort key.
  delete: ['shop'],
};

/**
 * What `shop/redact` does: finds the shop's partitions (Query on the table and on the members
 * index, GSI2, where members and what the shop owns elsewhere are listed) and deletes every item
 * in them with BatchWriteItem. It reads no item whole and writes nothing.
 */
export const ERASER_TABLE_ACCESS: TableAccess = {
  read: ['Query'],
  queryIndexes: [GSI_MEMBERS_OF_SHOP],
  batchWrite: ALL_ITEM_KINDS,
};

export class WebhookIntake extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** `shop/redact` deliveries, and the ones that failed five times. */
  readonly shopRedactQueue: Queue;
  readonly shopRedactDeadLetterQueue: Queue;
  readonly receiver: LoyaltyFunction;
  readonly processor: LoyaltyFunction;
  readonly shopEraser: LoyaltyFunction;

  constructor(scope: Construct, id: string, props: WebhookIntakeProps) {
    super(scope, id);
    const { settings } = props;

    [this.queue, this.deadLetterQueue] = this.queueWithDeadLetters('', VISIBILITY_TIMEOUT);
    [this.shopRedactQueue, this.shopRedactDeadLetterQueue] = this.queueWithDeadLetters('ShopRedact', ERASURE_VISIBILITY_TIMEOUT);

    this.receiver = new LoyaltyFunction(this, 'Receiver', {
      entry: lambdaEntries.webhookReceiver,
      description: 'Verifies Shopify webhooks and queues them',
      serviceName: 'loyalty-webhook-receiver',
      settings,
      // Shopify waits five seconds for an answer.
      timeout: Duration.seconds(5),
      environment: { QUEUE_URL: this.queue.queueUrl, SHOP_REDACT_QUEUE_URL: this.shopRedactQueue.queueUrl, APP_SECRET_ARN: props.appSecret.secretArn },
      readsSecrets: true,
    });
    this.receiver.grantQueueSend(this.queue);
    // Only a signed shop/redact, verified here, can ask for a shop's erasure.
    this.receiver.grantQueueSend(this.shopRedactQueue);
    this.receiver.grantSecretRead(props.appSecret);

    this.processor = new LoyaltyFunction(this, 'Processor', {
      entry: lambdaEntries.webhookProcessor,
      description: 'Processes queued Shopify webhooks into the loyalty ledger',
      serviceName: 'loyalty-webhook-processor',
      settings,
      timeout: PROCESSOR_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    this.processor.grantTable(props.table, PROCESSOR_TABLE_ACCESS);
    // The event source grants receive, delete and change-visibility on this queue only.
    this.processor.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
      }),
    );

    this.shopEraser = new LoyaltyFunction(this, 'ShopEraser', {
      entry: lambdaEntries.shopEraser,
      description: 'Erases a shop from the table on shop/redact',
      serviceName: 'loyalty-shop-eraser',
      settings,
      timeout: ERASER_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    this.shopEraser.grantTable(props.table, ERASER_TABLE_ACCESS);
    this.shopEraser.function.addEventSource(
      new SqsEventSource(this.shopRedactQueue, {
        // One shop per invocation, two at a time at most: a wave of uninstalls never crowds out the webhooks' writes.
        batchSize: 1,
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      }),
    );
  }

  /** A queue (`{name}Queue`) and its dead-letter queue (`{name}DeadLetterQueue`), encrypted, TLS only. */
  private queueWithDeadLetters(name: string, visibilityTimeout: Duration): [Queue, Queue] {
    // A dead letter keeps its original enqueue time, so it must outlive the main queue's retention.
    const deadLetterQueue = new Queue(this, `${name}DeadLetterQueue`, {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new Queue(this, `${name}Queue`, {
      retentionPeriod: Duration.days(4),
      visibilityTimeout,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    return [queue, deadLetterQueue];
  }
}
