/**
 * Jobs that run on a clock (point expiry, tier recalculation, …): one function per job, each
 * started by its own EventBridge Scheduler schedule through a role that may invoke that function only.
 * What each job's code does with the table is said here once, as a `TableAccess` (see
 * `table-access.ts`); `SCHEDULED_JOBS` in `loyalty-stack.ts` grants it.
 */
import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CustomerMessages } from './customer-messages.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import { wildcardResourceFinding } from './nag-findings.ts';
import type { StageSettings } from './stage-settings.ts';
import type { TableAccess } from './table-access.ts';
import type { TokenKey } from './token-key.ts';
import { GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP } from '../shared/store/dynamodb/keys.ts';

export interface ScheduledJob {
  /** PascalCase, unique: it names the construct, the function and the schedule (`ExpireLots`). */
  readonly name: string;
  /** The entry file, relative to the repository root. */
  readonly entry: string;
  /** `rate(1 hour)`, `cron(0 3 * * ? *)` or `at(…)`, evaluated in UTC. */
  readonly scheduleExpression: string;
  readonly timeout?: Duration;
  /** Besides `TABLE_NAME`: fixed, or read off the resources (`({ messages }) => messages.environment`). */
  readonly environment?: Record<string, string> | ((resources: JobResources) => Record<string, string>);
  /** Grants what the job's code uses: `(fn, { table }) => fn.grantTable(table, EXPIRE_TABLE_ACCESS)`. Nothing by default. */
  readonly grant?: (fn: LoyaltyFunction, resources: JobResources) => void;
  /** Reads the app secret (through the Parameters and Secrets extension); grant it in `grant` too. */
  readonly readsSecrets?: boolean;
}

/** What a job may be told about and granted; every job is told the table's name (`TABLE_NAME`). */
export interface JobResources {
  readonly table: Table;
  readonly appSecret: ISecret;
  /** The bus and the e-mail templates of customer messages. */
  readonly messages: CustomerMessages;
  /** Where `customers/data_request` exports are written. */
  readonly exportBucket: IBucket;
  /** The key that seals the shops' Admin API tokens (the coupon outbox uses and refreshes them). */
  readonly tokenKey: TokenKey;
  /** The HTTP API's base URL, ending in `/`: where links in customer mail (unsubscribe) point. */
  readonly publicBaseUrl: string;
}

/*
 * The jobs' table rights, one per job, from their code paths (`functions/<job>` → `runJob` in
 * `shared/jobs/jobs.ts` → the store adapters in `shared/store/dynamodb/`). No job writes the
 * figures (the stream aggregator does), an order or an idempotency record; none deletes an item
 * (an index entry leaves by an update that removes its keys) or writes in a batch. Every member
 * change goes through `changeMember` or `commit`: a transaction of puts in the member's partition.
 */

/**
 * `issue-coupons` (`retryPendingCoupons`): the coupon outbox's due entries (Query on GSI1,
 * `OUTBOX#`); the coupon, its shop and, on a refusal, its member (GetItem); the coupon saved
 * (PutItem, `COUPON#`) or refunded (a transaction: the coupon, and the member, a lot and a ledger
 * entry in `MEMBER#`). The Admin API client reads the shop's token item and writes it back when it
 * renews it or marks it `needs-reauth` (`SHOP#{shop}` / `TOKEN`). No query on the table itself.
 */
export const ISSUE_COUPONS_TABLE_ACCESS: TableAccess = {
  read: ['GetItem'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['shop', 'member', 'coupon'],
};

/**
 * `expire` (`expireLots`) and `activate` (`activatePendingPoints`): the lots due (Query on GSI1,
 * `EXPIRES#` or `PENDING#`); per member, the member (GetItem) and their active lots (Query in the
 * member's partition), then one transaction putting the member, the lots settled or activated and
 * the expiry's ledger entry (`MEMBER#`). `activate` also takes a lot refunded to nothing out of the
 * index (`dropEmptyDueLot`: UpdateItem … REMOVE on the lot, not a delete).
 */
export const DUE_LOTS_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'Query'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['member'],
};

/**
 * `remind` (`sendReminders`, then `deliverNotifications`): the active shops (Query on GSI2,
 * `SHOPS`, then BatchGetItem); lots expiring in each reminder's window (Query on GSI1, `EXPIRES#`);
 * per member, whether the reminder is queued already, the member (GetItem) and their active lots
 * (Query in the member's partition); the reminder put in the member's partition (PutItem,
 * `MEMBER#`). Delivery: messages due (Query on GSI1, `NOTIFY#`), each claimed and settled by an
 * UpdateItem on the message (`MEMBER#`).
 */
export const REMIND_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  queryIndexes: [GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP],
  write: ['member'],
};

/**
 * `winback` (`flagFadingMembers`, then `deliverNotifications`): members due (Query on GSI1,
 * `LAPSE#`); the shop and the member (GetItem); one transaction putting the flagged member and
 * the win-back message (`MEMBER#`). Delivery as for `remind` (Query on GSI1, UpdateItem on the
 * message). It queries nothing on the table itself and reads no batch.
 */
export const WINBACK_TABLE_ACCESS: TableAccess = {
  read: ['GetItem'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['member'],
};

/**
 * `lifecycle` (`moveStages`): members due (Query on GSI1, `STAGE#`); the shop and the member
 * (GetItem); the moved member put (`MEMBER#`). For a shop whose thresholds changed: the active shops
 * (Query on GSI2, `SHOPS`, then BatchGetItem), the pass read and saved (`SHOP#{shop}` / `JOB#lifecycle`),
 * the shop's members (Query on GSI2, `MEMBERS#{shop}`, then BatchGetItem).
 */
export const LIFECYCLE_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem'],
  queryIndexes: [GSI_BY_EXPIRY, GSI_MEMBERS_OF_SHOP],
  write: ['shop', 'member'],
};

/**
 * `referrals` (`settleReferrals`): referrals due (Query on GSI1, `REFERRAL#`); per referral, the
 * shop, the referral and the advocate (GetItem), the friend's order (BatchGetItem), the advocate's
 * referrals (Query in the advocate's partition); one transaction putting the referral, and when it
 * completes the advocate's member, lot and ledger entry (`MEMBER#`); an index entry dropped
 * (UpdateItem, `MEMBER#`).
 */
export const REFERRALS_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['member'],
};

/**
 * `birthdays` (`grantBirthdayPoints`): birthdays due (Query on GSI1, `BIRTHDAY#`); the shop and the
 * member (GetItem); one transaction putting the member, the birthday lot and ledger entry and the
 * member's due entry moved a year on (`MEMBER#`). No batch read, no table query.
 */
export const BIRTHDAYS_TABLE_ACCESS: TableAccess = {
  read: ['GetItem'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['member'],
};

/**
 * `tiers` (`rerateTiers`): the active shops (Query on GSI2, `SHOPS`, then BatchGetItem); each
 * shop's pass, read and saved (GetItem and PutItem on `SHOP#{shop}` / `JOB#tiers`); the members
 * above the base tier (Query on GSI2, `MEMBERS#{shop}`, then BatchGetItem); per member to lower,
 * the member (GetItem) and their active lots (Query in the member's partition), then the member
 * put (`MEMBER#`). Never the due index (GSI1).
 */
export const TIERS_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  queryIndexes: [GSI_MEMBERS_OF_SHOP],
  write: ['shop', 'member'],
};

/**
 * `export-data` (`writeQueuedExports`): the export requests due (Query on GSI1, `EXPORT#`, then
 * BatchGetItem); per request, the customer's partition (Query), their coupons and orders
 * (BatchGetItem); the request marked done (UpdateItem, `MEMBER#`). No single-item read.
 */
export const EXPORT_DATA_TABLE_ACCESS: TableAccess = {
  read: ['BatchGetItem', 'Query'],
  queryIndexes: [GSI_BY_EXPIRY],
  write: ['member'],
};

/**
 * `reconcile` (`importHistory`, then `reconcileOrders`): the active shops (Query on GSI2, `SHOPS`,
 * then BatchGetItem); each shop's history import and checkpoint, read and saved (GetItem and PutItem
 * on `SHOP#{shop}` / `JOB#history`, `JOB#reconcile`); per order read back from Shopify, what the
 * webhook processor's earning does: the shop, member, order, lots and coupons read (GetItem,
 * BatchGetItem, Query in the member's partition) and one transaction of the shop, member, lots,
 * ledger, order and coupon uses (`SHOP#`, `MEMBER#`, `ORDER#`, `COUPON#`). The Admin API client reads
 * the shop's token item and writes it back when it renews it (`SHOP#`). Never the due index.
 */
export const RECONCILE_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  queryIndexes: [GSI_MEMBERS_OF_SHOP],
  // `guest`: a guest order read back records its claim as its webhook would.
  write: ['shop', 'member', 'order', 'coupon', 'guest'],
};

export interface ScheduledJobsProps {
  readonly settings: StageSettings;
  readonly jobs: readonly ScheduledJob[];
  readonly resources: JobResources;
}

export class ScheduledJobs extends Construct {
  readonly functions: LoyaltyFunction[] = [];
  readonly schedules: Schedule[] = [];

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    const account = Stack.of(this).account;

    for (const job of props.jobs) {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(job.name)) throw new Error(`scheduled job "${job.name}": name it in PascalCase`);
      const fn = new LoyaltyFunction(this, job.name, {
        entry: job.entry,
        description: `Scheduled job ${job.name} (${job.scheduleExpression})`,
        serviceName: `loyalty-job-${job.name}`,
        settings: props.settings,
        timeout: job.timeout ?? Duration.minutes(5),
        ...(job.readsSecrets ? { readsSecrets: true } : {}),
        environment: {
          TABLE_NAME: props.resources.table.tableName,
          ...(typeof job.environment === 'function' ? job.environment(props.resources) : job.environment),
        },
      });
      job.grant?.(fn, props.resources);

      const role = new Role(this, `${job.name}SchedulerRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
        description: `Lets EventBridge Scheduler start the ${job.name} job`,
      });
      const schedule = new Schedule(this, `${job.name}Schedule`, {
        schedule: ScheduleExpression.expression(job.scheduleExpression),
        description: `Starts the ${job.name} job`,
        target: new LambdaInvoke(fn.function, { role, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
      Validations.of(role).acknowledge({
        id: wildcardResourceFinding(fn.function.node.defaultChild as CfnElement, ':*'),
        reason: 'The Scheduler target may invoke this one function and its versions ("<function arn>:*"); no other function is reachable.',
      });
      this.functions.push(fn);
      this.schedules.push(schedule);
    }
  }
}
