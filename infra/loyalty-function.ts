/**
 * The one way a Lambda function is made here: pinned runtime, architecture and bundling, its own
 * log group with retention, its own role that can write only to that log group, and grant helpers
 * so each function gets exactly what its code uses.
 */
import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, ParamsAndSecretsLayerVersion, ParamsAndSecretsLogLevel, ParamsAndSecretsVersions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROJECT_ROOT, bundleOptions } from './bundle-options.ts';
import { wildcardArnFinding, wildcardResourceFinding } from './nag-findings.ts';
import type { StageSettings } from './stage-settings.ts';
import { tableAccessStatements, type TableAccess } from './table-access.ts';

export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

export interface LoyaltyFunctionProps {
  /** The entry file, relative to the repository root (`functions/api/index.ts`). */
  readonly entry: string;
  /** What the function is, for the console and the logs (`POWERTOOLS_SERVICE_NAME`). */
  readonly description: string;
  readonly serviceName: string;
  readonly settings: StageSettings;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  /** Reads the app secret: gets the Parameters and Secrets extension layer. */
  readonly readsSecrets?: boolean;
}

export class LoyaltyFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: LoyaltyFunctionProps) {
    super(scope, id);
    const { settings } = props;

    this.logGroup = new LogGroup(this, 'Logs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });

    // An own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `${props.description} (Lambda execution role)` });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: LAMBDA_ARCHITECTURE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      // Functions that read the app secret get it from AWS's Parameters and Secrets extension on
      // localhost (cached five minutes), so their bundles carry no Secrets Manager client.
      ...(props.readsSecrets
        ? {
            paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
              cacheSize: 10,
              secretsManagerTtl: Duration.minutes(5),
              logLevel: ParamsAndSecretsLogLevel.WARN,
            }),
          }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: settings.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        target: bundleOptions.target,
        format: OutputFormat.ESM,
        minify: bundleOptions.minify,
        sourceMap: bundleOptions.sourcemap,
        sourcesContent: bundleOptions.sourcesContent,
        mainFields: [...bundleOptions.mainFields],
        externalModules: [...bundleOptions.external],
        banner: bundleOptions.banner,
        // NodejsFunction has no `alias`; esbuild's CLI flag does the same, run from the project root.
        esbuildArgs: Object.fromEntries(Object.entries(bundleOptions.alias).map(([from, to]) => [`--alias:${from}`, to])),
        // Bundle with the esbuild in node_modules; never fall back to a Docker image.
        forceDockerBundling: false,
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is pinned on purpose: the code, its bundle target (node22) and its tests are checked against it; moving to a newer runtime is a deliberate change, not a drift.',
    });
    if (settings.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray cannot be scoped to a resource: xray:PutTraceSegments and xray:PutTelemetryRecords only accept "*".',
      });
    }
  }

  /**
   * What the function's code does with the table, and nothing more: the reads it makes, the
   * indexes it queries, and the item kinds it may write or delete (see `table-access.ts`).
   */
  grantTable(table: Table, access: TableAccess): void {
    for (const statement of tableAccessStatements(table, access)) this.function.addToRolePolicy(statement);
  }

  /** Put objects under one prefix of a bucket, nothing else (no read, no list, no delete). */
  grantObjectPut(bucket: IBucket, prefix: string): void {
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }));
    Validations.of(this.role).acknowledge({
      id: wildcardResourceFinding(bucket.node.defaultChild as CfnElement, `/${prefix}*`),
      reason: `Exports are written under "${prefix}", one object per data request, named by shop, customer and request; the function may put objects there and nothing else.`,
    });
  }

  /** Read the secret's value (GetSecretValue, DescribeSecret on that one secret). */
  grantSecretRead(secret: ISecret): void {
    secret.grantRead(this.function);
  }

  /** Send messages to the queue, nothing else (no receive, no delete). */
  grantQueueSend(queue: IQueue): void {
    queue.grantSendMessages(this.function);
  }

  /** Put events on this bus (events:PutEvents), nothing else. */
  grantPutEvents(bus: IEventBus): void {
    bus.grantPutEventsTo(this.function);
  }

  /**
   * Send e-mail with SES: API v2 `SendEmail` is authorised as `ses:SendEmail` on the sender identity
   * and, for a templated message, on the template (there is no `SendTemplatedEmail` in API v2).
   * Templates: these only. Identities: any in this account and region, because each store
   * verifies its own sender after the deploy.
   */
  grantSendTemplatedEmail(templateNames: readonly string[]): void {
    const stack = Stack.of(this);
    const identities = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    const templates = templateNames.map((name) => stack.formatArn({ service: 'ses', resource: 'template', resourceName: name }));
    this.function.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [identities, ...templates] }));
    Validations.of(this.role).acknowledge({
      id: wildcardArnFinding(this, identities),
      reason: 'Each store sends from its own sender identity, verified in SES after the deploy, so identities cannot be named here; the statement allows ses:SendEmail alone, only from identities of this account and region, and a templated send only with this stack\'s templates.',
    });
  }
}
