/**
 * The figures' aggregator: the table's DynamoDB Stream feeds one function that keeps the program's
 * figures (`functions/figures-aggregator`). Batches of up to 1,000 records of one shard (or what
 * `AGGREGATOR_BATCHING_WINDOW` brings: a quieter shop's orders share one batch's writes, so the
 * figures cost less per order, and lag at most that much behind the ledger), failures reported per record, a batch that fails whole split in two, ten tries,
 * then the batch's description to a dead-letter queue. One batch at a time per shard
 * (parallelization 1): the marks that make each record count once rest on one shard's records
 * arriving in order.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { lambdaEntries } from './bundle-options.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';
import type { TableAccess } from './table-access.ts';

export interface FiguresAggregatorProps {
  readonly settings: StageSettings;
  readonly table: Table;
}

export const AGGREGATOR_TIMEOUT = Duration.minutes(1);
export const AGGREGATOR_BATCH_SIZE = 1000;
export const AGGREGATOR_BATCHING_WINDOW = Duration.seconds(30);
/**
 * The records the figures read (`stream-records.ts`): members, orders, coupons, ledger entries and
 * survey answers, written or changed. Lambda drops the others unbilled before invoking: lots,
 * messages, rate limits, removals, and the aggregator's own figures and marks, which would
 * otherwise invoke it once more for every batch it writes.
 */
export const FIGURE_SOURCES = ['member', 'order', 'coupon', 'ledger', 'feedback'];

/**
 * Reads the mark of a batch applied before (GetItem); writes the figures, the priority lists' rows
 * and the marks, in one transaction per batch. It reads no member, order or token; it deletes only
 * priority rows a member left (`STATS#{shop}#priority:…`).
 */
export const AGGREGATOR_TABLE_ACCESS: TableAccess = {
  read: ['GetItem'],
  write: ['stats', 'figures'],
  delete: ['stats'],
};

export class FiguresAggregator extends Construct {
  readonly function: LoyaltyFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: FiguresAggregatorProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the dead-letter destination itself: Lambda puts the description of a stream batch it gave up on here (shard, sequence numbers), and nothing reads it automatically; a person replays it after fixing the cause.",
    });
    this.function = new LoyaltyFunction(this, 'Function', {
      entry: lambdaEntries.figuresAggregator,
      description: "Keeps the program's figures from the table's change stream",
      serviceName: 'loyalty-figures',
      settings: props.settings,
      timeout: AGGREGATOR_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    this.function.grantTable(props.table, AGGREGATOR_TABLE_ACCESS);
    Validations.of(this.function.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Lambda lists the table\'s streams with dynamodb:ListStreams, which takes no resource but "*"; the stream itself (DescribeStream, GetShardIterator, GetRecords) is granted on this table\'s stream ARN alone.',
    });
    this.function.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: AGGREGATOR_BATCH_SIZE,
        maxBatchingWindow: AGGREGATOR_BATCHING_WINDOW,
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY'), dynamodb: { NewImage: { entity: { S: FilterRule.or(...FIGURE_SOURCES) } } } })],
      }),
    );
  }
}
