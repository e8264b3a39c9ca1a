/**
 * Webhook intake that never loses an event: the receiver verifies and enqueues (answering Shopify
 * well inside its five seconds), the processor works through the queue, failed messages are
 * retried one by one and, after a few receives, parked in a dead-letter queue for a person to look at.
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { lambdaEntries } from './bundle-options.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';

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

export class WebhookIntake extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly receiver: LoyaltyFunction;
  readonly processor: LoyaltyFunction;

  constructor(scope: Construct, id: string, props: WebhookIntakeProps) {
    super(scope, id);
    const { settings } = props;

    // A dead letter keeps its original enqueue time, so it must outlive the main queue's retention.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: Duration.days(4),
      visibilityTimeout: VISIBILITY_TIMEOUT,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.receiver = new LoyaltyFunction(this, 'Receiver', {
      entry: lambdaEntries.webhookReceiver,
      description: 'Verifies Shopify webhooks and queues them',
      serviceName: 'loyalty-webhook-receiver',
      settings,
      // Shopify waits five seconds for an answer.
      timeout: Duration.seconds(5),
      environment: { QUEUE_URL: this.queue.queueUrl, APP_SECRET_ARN: props.appSecret.secretArn },
      readsSecrets: true,
    });
    this.receiver.grantQueueSend(this.queue);
    this.receiver.grantSecretRead(props.appSecret);

    this.processor = new LoyaltyFunction(this, 'Processor', {
      entry: lambdaEntries.webhookProcessor,
      description: 'Processes queued Shopify webhooks into the loyalty ledger',
      serviceName: 'loyalty-webhook-processor',
      settings,
      timeout: PROCESSOR_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    this.processor.grantTableReadWrite(props.table);
    // `shop/redact` deletes the shop's items; `customers/data_request` only queues an export (see ExportData).
    this.processor.grantTableErase(props.table);
    // The event source grants receive, delete and change-visibility on this queue only.
    this.processor.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
      }),
    );
  }
}
