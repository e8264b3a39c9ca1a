/**
 * The production stack: table, app secret, webhook intake (receiver → queue → processor), the
 * storefront/admin API, customer messages (bus and e-mail templates), scheduled jobs and alarms.
 * One construct per concern; this file wires them.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Alarms, OLDEST_MESSAGE_AGE_LIMIT } from './alarms.ts';
import { lambdaEntries } from './bundle-options.ts';
import { CustomerMessages, mailEnvironment } from './customer-messages.ts';
import { LoyaltyFunction } from './loyalty-function.ts';
import { LoyaltyHttpApi, WEBHOOK_PATH } from './loyalty-http-api.ts';
import { LoyaltyTable } from './loyalty-table.ts';
import { DUE_LOTS_TABLE_ACCESS, EXPORT_DATA_TABLE_ACCESS, ISSUE_COUPONS_TABLE_ACCESS, RECONCILE_TABLE_ACCESS, REMIND_TABLE_ACCESS, ScheduledJobs, TIERS_TABLE_ACCESS, REFERRALS_TABLE_ACCESS, WINBACK_TABLE_ACCESS, LIFECYCLE_TABLE_ACCESS, BIRTHDAYS_TABLE_ACCESS, type ScheduledJob } from './scheduled-jobs.ts';
import { DISPOSABLE_STAGE, type StageSettings } from './stage-settings.ts';
import { ERASURE_AGE_LIMIT, WebhookIntake } from './webhook-intake.ts';
import { DataExports } from './data-exports.ts';
import { FiguresAggregator } from './figures-aggregator.ts';
import { Outbound } from './outbound.ts';
import { TokenKey } from './token-key.ts';
import type { TableAccess } from './table-access.ts';
import { GSI_MEMBERS_OF_SHOP } from '../shared/store/dynamodb/keys.ts';

export interface LoyaltyStackProps extends StackProps {
  readonly settings: StageSettings;
  /** Jobs on a clock; `SCHEDULED_JOBS` by default. */
  readonly scheduledJobs?: readonly ScheduledJob[];
}

/** The daily jobs walk every shop's members, so they get Lambda's longest run. */
const DAILY_JOB_TIMEOUT = Duration.minutes(15);

/**
 * The jobs this service runs on a clock, one function and one schedule each. Times are UTC; the
 * stage's `jobSchedules` context replaces any of them by name.
 */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    // The coupon outbox: creates in Shopify the coupons it could not take at redemption time.
    name: 'IssueCoupons',
    entry: lambdaEntries.issueCoupons,
    scheduleExpression: 'rate(5 minutes)',
    timeout: Duration.minutes(2),
    // Reads shops, coupons and members; writes coupons, and refunds points. Opens the shop's sealed
    // Admin API token, and refreshes it (with the app's credentials) when it has expired.
    readsSecrets: true,
    environment: ({ appSecret, tokenKey }) => ({ APP_SECRET_ARN: appSecret.secretArn, ...tokenKey.environment }),
    grant: (fn, { table, appSecret, tokenKey }) => {
      fn.grantTable(table, ISSUE_COUPONS_TABLE_ACCESS);
      fn.grantSecretRead(appSecret);
      tokenKey.grantUse(fn);
    },
  },
  // The draining jobs (Expire, Activate, Remind, Winback, Tiers) go on until nothing due is left or
  // their invocation is nearly over (then `more: true`). Instead of continuing themselves, they run
  // often: a run that stopped early is gone on within the next interval, and a run with nothing
  // due costs a few queries.
  {
    // Settles the lots whose expiry has come and takes their remainder off the balance.
    name: 'Expire',
    entry: lambdaEntries.expire,
    scheduleExpression: 'rate(15 minutes)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, DUE_LOTS_TABLE_ACCESS),
  },
  {
    // Makes pending points spendable once the program's return window has passed.
    name: 'Activate',
    entry: lambdaEntries.activate,
    scheduleExpression: 'rate(15 minutes)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, DUE_LOTS_TABLE_ACCESS),
  },
  {
    // Tells members which points expire soon: an event on the bus and an e-mail. Mail goes out in
    // the morning (UTC): the 09:00 run does the day, the runs every 15 minutes until 11:45 go on
    // with whatever a run left (a run over reminders already queued reads one item for each).
    name: 'Remind',
    entry: lambdaEntries.remind,
    scheduleExpression: 'cron(0/15 9-11 * * ? *)',
    timeout: DAILY_JOB_TIMEOUT,
    // The app secret signs each message's unsubscribe link, which points at the HTTP API.
    readsSecrets: true,
    environment: ({ messages, appSecret, publicBaseUrl }) => ({ ...messages.environment, APP_SECRET_ARN: appSecret.secretArn, PUBLIC_BASE_URL: publicBaseUrl }),
    grant: (fn, { table, messages, appSecret }) => {
      fn.grantTable(table, REMIND_TABLE_ACCESS);
      messages.grantSend(fn);
      fn.grantSecretRead(appSecret);
    },
  },
  {
    // Flags members whose orders have lapsed and sends each one win-back message: from 10:00, and
    // every 15 minutes until 12:45 for what a run left (a flagged member leaves the index).
    name: 'Winback',
    entry: lambdaEntries.winback,
    scheduleExpression: 'cron(0/15 10-12 * * ? *)',
    timeout: DAILY_JOB_TIMEOUT,
    readsSecrets: true,
    environment: ({ messages, appSecret, publicBaseUrl }) => ({ ...messages.environment, APP_SECRET_ARN: appSecret.secretArn, PUBLIC_BASE_URL: publicBaseUrl }),
    grant: (fn, { table, messages, appSecret }) => {
      fn.grantTable(table, WINBACK_TABLE_ACCESS);
      messages.grantSend(fn);
      fn.grantSecretRead(appSecret);
    },
  },
  {
    // Moves members to fading and lost as time passes (each move dated when its threshold passed),
    // and restages a shop whose thresholds changed: hourly, a run with nothing due costs a few queries.
    name: 'Lifecycle',
    entry: lambdaEntries.lifecycle,
    scheduleExpression: 'rate(1 hour)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, LIFECYCLE_TABLE_ACCESS),
  },
  {
    // Settles referrals whose friend's order is past its hold: the advocate is paid once, or the
    // referral is blocked for the store owner, or void. Hourly: the hold is counted in days.
    name: 'Referrals',
    entry: lambdaEntries.referrals,
    scheduleExpression: 'rate(1 hour)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, REFERRALS_TABLE_ACCESS),
  },
  {
    // Birthday points, once a year on the member's birthday (UTC days): early each day, and
    // hourly after for what a run left (a granted birthday moves a year on in the index).
    name: 'Birthdays',
    entry: lambdaEntries.birthdays,
    scheduleExpression: 'cron(5 0-6 * * ? *)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, BIRTHDAYS_TABLE_ACCESS),
  },
  {
    // Lowers the tiers of members whose spend has left the 365-day window: each shop's pass runs
    // once a (UTC) day and records how far it got, so the hourly runs after the first go on with
    // a pass that stopped early and otherwise read one small item per shop.
    name: 'Tiers',
    entry: lambdaEntries.tiers,
    scheduleExpression: 'rate(1 hour)',
    timeout: DAILY_JOB_TIMEOUT,
    grant: (fn, { table }) => fn.grantTable(table, TIERS_TABLE_ACCESS),
  },
  {
    // Writes the data exports `customers/data_request` queued (Shopify allows 30 days; this takes minutes).
    name: 'ExportData',
    entry: lambdaEntries.exportData,
    scheduleExpression: 'rate(15 minutes)',
    timeout: DAILY_JOB_TIMEOUT,
    environment: ({ exportBucket }) => ({ EXPORT_BUCKET: exportBucket.bucketName }),
    grant: (fn, { table, exportBucket }) => {
      fn.grantTable(table, EXPORT_DATA_TABLE_ACCESS);
      fn.grantObjectPut(exportBucket, 'exports/');
    },
  },
  {
    // Reads back each shop's orders updated since its checkpoint (a missed webhook costs nothing),
    // and takes the history import a step further (bulk export of the year before installation,
    // then its orders). Opens the shop's sealed Admin API token and refreshes it when expired.
    name: 'Reconcile',
    entry: lambdaEntries.reconcile,
    scheduleExpression: 'rate(1 hour)',
    timeout: DAILY_JOB_TIMEOUT,
    readsSecrets: true,
    environment: ({ appSecret, tokenKey }) => ({ APP_SECRET_ARN: appSecret.secretArn, ...tokenKey.environment }),
    grant: (fn, { table, appSecret, tokenKey }) => {
      fn.grantTable(table, RECONCILE_TABLE_ACCESS);
      fn.grantSecretRead(appSecret);
      tokenKey.grantUse(fn);
    },
  },
];

/** The jobs with the stage's schedule overrides applied; an override must name a job. */
export function withSchedules(jobs: readonly ScheduledJob[], schedules: Readonly<Record<string, string>>): ScheduledJob[] {
  const unknown = Object.keys(schedules).filter((name) => !jobs.some((job) => job.name === name));
  if (unknown.length > 0) throw new Error(`context jobSchedules names no job: ${unknown.join(', ')} (the jobs are ${jobs.map((job) => job.name).join(', ')})`);
  return jobs.map((job) => ({ ...job, scheduleExpression: schedules[job.name] ?? job.scheduleExpression }));
}

/**
 * What the storefront and admin routes do with the table (`createApiApp` over the store, the
 * token store and the delivery log). Reads: any item (GetItem, BatchGetItem, Query), and the
 * members index for the admin's member list. Writes: the shop (created on its first visit,
 * program saves and versions, the Admin API tokens exchanged and refreshed), the member's
 * partition (redemptions, adjustments, survey answers, unsubscribes), coupons (redeemed, issued,
 * settled, refunded), idempotency records (a redemption's `Idempotency-Key`), rate-limit
 * windows, and referral codes and friends' claims (`REF#`; a referral itself is in the advocate's
 * partition, reviewed by the store owner there). Never the figures (the stream aggregator keeps them). Never orders, never a delete,
 * never a batch write, never the due index (GSI1).
 */
export const API_TABLE_ACCESS: TableAccess = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  queryIndexes: [GSI_MEMBERS_OF_SHOP],
  write: ['shop', 'member', 'coupon', 'idempotency', 'rate', 'referral'],
};

/** Written into the secret at creation; the operator replaces it with the app's real credentials. */
export const SECRET_PLACEHOLDER_API_KEY = 'replace-with-the-shopify-api-key';

export class LoyaltyStack extends Stack {
  readonly table: LoyaltyTable;
  readonly appSecret: Secret;
  readonly intake: WebhookIntake;
  readonly dataExports: DataExports;
  readonly tokenKey: TokenKey;
  readonly api: LoyaltyFunction;
  readonly appPage: LoyaltyFunction;
  readonly httpApi: LoyaltyHttpApi;
  readonly messages: CustomerMessages;
  readonly scheduledJobs: ScheduledJobs;
  readonly alarms: Alarms;
  readonly figures: FiguresAggregator;
  readonly outbound: Outbound;

  constructor(scope: Construct, id: string, props: LoyaltyStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.table = new LoyaltyTable(this, 'Table', {
      removalPolicy: settings.removalPolicy,
      deletionProtection: settings.stage !== DISPOSABLE_STAGE,
    });
    const table = this.table.table;

    // The Shopify app's API secret key (signs webhooks, App Proxy requests, session tokens) and API key.
    this.appSecret = new Secret(this, 'AppSecret', {
      description: `Shopify app credentials for the loyalty service (${settings.stage}): JSON {"apiSecret": "…", "apiKey": "…"}. Put the real values in after the first deploy.`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ apiKey: SECRET_PLACEHOLDER_API_KEY }),
        generateStringKey: 'apiSecret',
        excludePunctuation: true,
        passwordLength: 40,
      },
      removalPolicy: settings.removalPolicy,
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Shopify issues the app secret and key; they are rotated in the Shopify Partner dashboard and then put here by hand, so a rotation Lambda would have nothing to rotate. The functions re-read the secret every five minutes.',
    });

    this.tokenKey = new TokenKey(this, 'TokenKey', { settings });
    this.dataExports = new DataExports(this, 'DataExports', { settings });
    this.intake = new WebhookIntake(this, 'WebhookIntake', { settings, table, appSecret: this.appSecret });

    this.api = new LoyaltyFunction(this, 'Api', {
      entry: lambdaEntries.api,
      description: 'Storefront (App Proxy) and admin API',
      serviceName: 'loyalty-api',
      settings,
      memorySize: 1024,
      timeout: Duration.seconds(10),
      environment: { TABLE_NAME: table.tableName, APP_SECRET_ARN: this.appSecret.secretArn },
      readsSecrets: true,
    });
    this.api.grantTable(table, API_TABLE_ACCESS);
    this.api.grantSecretRead(this.appSecret);
    // The API exchanges session tokens for Admin API tokens, and uses them for coupons at redemption.
    this.api.function.addEnvironment('TOKEN_KEY_ID', this.tokenKey.key.keyArn);
    this.tokenKey.grantUse(this.api);

    // The admin page reads the app's key (its meta tag) and nothing else: no table, no token key.
    this.appPage = new LoyaltyFunction(this, 'AppPage', {
      entry: lambdaEntries.appPage,
      description: "The store owner's admin page (/app), embedded in Shopify's admin",
      serviceName: 'loyalty-app-page',
      settings,
      timeout: Duration.seconds(5),
      environment: { APP_SECRET_ARN: this.appSecret.secretArn },
      readsSecrets: true,
    });
    this.appPage.grantSecretRead(this.appSecret);

    this.httpApi = new LoyaltyHttpApi(this, 'HttpApi', { settings, webhookReceiver: this.intake.receiver.function, api: this.api.function, appPage: this.appPage.function });
    // The API's own base URL (unsubscribe links), and the mail settings its admin Setup screen reports.
    this.api.function.addEnvironment('PUBLIC_BASE_URL', this.httpApi.url);
    for (const [name, value] of Object.entries(mailEnvironment(settings))) this.api.function.addEnvironment(name, value);

    this.messages = new CustomerMessages(this, 'CustomerMessages', { settings });

    this.scheduledJobs = new ScheduledJobs(this, 'ScheduledJobs', {
      settings,
      jobs: withSchedules(props.scheduledJobs ?? SCHEDULED_JOBS, settings.jobSchedules),
      resources: { table, appSecret: this.appSecret, messages: this.messages, exportBucket: this.dataExports.bucket, tokenKey: this.tokenKey, publicBaseUrl: this.httpApi.url },
    });

    // The program's figures, off the table's change stream (never in a webhook's transaction).
    this.figures = new FiguresAggregator(this, 'Figures', { settings, table });
    // Metafields, Flow triggers and loyalty events, off the same stream (its second reader).
    this.outbound = new Outbound(this, 'Outbound', { settings, table, appSecret: this.appSecret, tokenKey: this.tokenKey });

    this.alarms = new Alarms(this, 'Alarms', {
      settings,
      functions: {
        WebhookReceiver: this.intake.receiver,
        WebhookProcessor: this.intake.processor,
        ShopEraser: this.intake.shopEraser,
        Api: this.api,
        AppPage: this.appPage,
        FiguresAggregator: this.figures.function,
        OutboundStream: this.outbound.streamConsumer,
        OutboundSender: this.outbound.sender,
        ...Object.fromEntries(this.scheduledJobs.functions.map((fn) => [fn.node.id, fn])),
      },
      queues: {
        Webhook: { queue: this.intake.queue, deadLetterQueue: this.intake.deadLetterQueue, message: 'A webhook', consumer: 'the processor', maxAge: OLDEST_MESSAGE_AGE_LIMIT },
        Outbound: { queue: this.outbound.queue, deadLetterQueue: this.outbound.deadLetterQueue, message: 'A metafield sync or loyalty event', consumer: 'the outbound sender', maxAge: OLDEST_MESSAGE_AGE_LIMIT, tries: 'ten' },
        ShopRedact: { queue: this.intake.shopRedactQueue, deadLetterQueue: this.intake.shopRedactDeadLetterQueue, message: 'A shop/redact', consumer: 'the shop eraser', maxAge: ERASURE_AGE_LIMIT },
      },
      streams: {
        Figures: { consumer: this.figures.function, deadLetterQueue: this.figures.deadLetterQueue, feeds: "the program's figures", maxIteratorAge: Duration.minutes(5) },
        Outbound: { consumer: this.outbound.streamConsumer, deadLetterQueue: this.outbound.streamDeadLetterQueue, feeds: 'customer metafields and loyalty events', maxIteratorAge: Duration.minutes(5) },
      },
    });

    new CfnOutput(this, 'WebhookUrl', { value: `${this.httpApi.url}${WEBHOOK_PATH.slice(1)}`, description: 'Shopify webhook subscriptions deliver here' });
    new CfnOutput(this, 'AppUrl', { value: `${this.httpApi.url}app`, description: 'The app URL (application_url in shopify.app.toml): the store owner\'s admin' });
    new CfnOutput(this, 'AppProxyUrl', { value: `${this.httpApi.url}proxy`, description: 'The App Proxy "Proxy URL" in the Shopify app settings' });
    new CfnOutput(this, 'AppSecretArn', { value: this.appSecret.secretArn, description: 'Put the real {"apiSecret", "apiKey"} here' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ExportBucketName', { value: this.dataExports.bucket.bucketName, description: 'customers/data_request exports, kept 30 days' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.intake.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ShopRedactDeadLetterQueueUrl', { value: this.intake.shopRedactDeadLetterQueue.queueUrl, description: 'shop/redact deliveries the shop eraser failed five times' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: this.messages.bus.eventBusName, description: 'Customer messages as events (source "loyalty"): add a rule here to forward them' });
    new CfnOutput(this, 'OutboundEventBusName', { value: this.outbound.bus.eventBusName, description: 'Loyalty events (source "loyalty.events"): add a rule here to forward them' });
    new CfnOutput(this, 'OutboundDeadLetterQueueUrl', { value: this.outbound.deadLetterQueue.queueUrl, description: 'Metafield syncs and events the outbound sender failed ten times' });
  }
}
