/**
 * Jobs that run on a clock (point expiry, tier recalculation, …): one function per job, each
 * started by its own EventBridge Scheduler schedule through a role that may invoke that function only.
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
import type { TokenKey } from './token-key.ts';

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
  /** Grants what the job's code uses: `(fn, { table }) => fn.grantTableReadWrite(table)`. Nothing by default. */
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
