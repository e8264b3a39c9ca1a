import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions } from '../../infra/bundle-options.ts';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { allowStatements, allowedActions, functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

interface FunctionProperties {
  Runtime: string;
  Architectures: string[];
  Handler: string;
  Code: { S3Key: string };
  LoggingConfig: { LogGroup: { Ref: string } };
  TracingConfig?: { Mode: string };
  Environment: { Variables: Record<string, unknown> };
}

describe('the functions', () => {
  // The one file that bundles for real: esbuild runs once per function, here.
  let synthesized: Synthesized;
  let functions: Record<'receiver' | 'processor' | 'shopEraser' | 'api' | 'remind', LoyaltyFunction>;
  /** Every function the stack deploys, the scheduled jobs' included. */
  let all: LoyaltyFunction[];
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod', logRetentionDays: '90' }, bundle: true });
    const { intake, api, appPage, scheduledJobs, figures, outbound } = synthesized.stack;
    const remind = scheduledJobs.functions.find((fn) => fn.node.id === 'Remind')!;
    functions = { receiver: intake.receiver, processor: intake.processor, shopEraser: intake.shopEraser, api, remind };
    all = [intake.receiver, intake.processor, intake.shopEraser, api, appPage, figures.function, outbound.streamConsumer, outbound.sender, ...scheduledJobs.functions];
  });

  const properties = (fn: LoyaltyFunction) => synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(fn)]?.Properties as FunctionProperties;

  it('are the eight the stack needs (receiver, processor, shop eraser, API, admin page, figures aggregator, outbound stream consumer and sender) and one for each scheduled job, and no more', () => {
    synthesized.template.resourceCountIs('AWS::Lambda::Function', 8 + synthesized.stack.scheduledJobs.functions.length);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(['receiver', 'processor', 'shopEraser', 'api'] as const)('runs the %s on Node.js 22 on arm64, with source maps', (name) => {
    const fn = properties(functions[name]);

    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    expect(fn.Environment.Variables.POWERTOOLS_SERVICE_NAME).toMatch(/^loyalty-/);
    expect(fn.TracingConfig).toBeUndefined();
  });

  it.each(['receiver', 'processor', 'api'] as const)('logs the %s to its own log group, kept as long as the stage says', (name) => {
    const logGroupId = logicalId(functions[name].logGroup.node.defaultChild as CfnElement);

    expect(properties(functions[name]).LoggingConfig.LogGroup).toEqual({ Ref: logGroupId });
    synthesized.template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 }, DeletionPolicy: 'Retain' });
    expect(synthesized.template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(90);
  });

  // The reminder job stands for the jobs that send messages: its bundle carries the SES and EventBridge clients.
  it.each(['receiver', 'processor', 'shopEraser', 'api', 'remind'] as const)('bundles the %s as minified ESM with the require banner, the SDK included', (name) => {
    const assetDir = join(synthesized.app.outdir, `asset.${properties(functions[name]).Code.S3Key.replace(/\.zip$/, '')}`);

    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');

    expect(code.startsWith(bundleOptions.banner)).toBe(true);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    // Minified: long lines (template literals keep their own line breaks, so no line count).
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
  });

  // The alias in bundle-options.ts: on Lambda the credentials are environment variables.
  it.each(['receiver', 'api', 'remind'] as const)('gives the %s bundle the SDK\'s environment credentials alone, not its default chain (SSO, INI files, web identity, process)', (name) => {
    const assetDir = join(synthesized.app.outdir, `asset.${properties(functions[name]).Code.S3Key.replace(/\.zip$/, '')}`);

    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');

    expect(code).toContain('Unable to find environment variable credentials');
    for (const chainOnly of ['Could not load credentials from any providers', 'SSOOIDCClient', 'sso-oidc', 'credential_process', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
      expect(code).not.toContain(chainOnly);
    }
  });

  it('lets the receiver send to the two queues and read the secret, and nothing else', () => {
    const actions = allowedActions(synthesized.template, functions.receiver);

    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(actions).not.toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sqs:DeleteMessage');
    const sendTo = allowStatements(synthesized.template, functions.receiver)
      .filter((statement) => [statement.Action].flat().includes('sqs:SendMessage'))
      .flatMap((statement) => [statement.Resource].flat());
    const { queue, shopRedactQueue } = synthesized.stack.intake;
    expect(sendTo).toEqual([queue, shopRedactQueue].map((sent) => ({ 'Fn::GetAtt': [logicalId(sent.node.defaultChild as CfnElement), 'Arn'] })));
  });

  it('lets the processor read and write the table and consume the queue, but not read the secret', () => {
    const actions = allowedActions(synthesized.template, functions.processor);

    // What its store calls; TransactWriteItems is authorized per item as PutItem/UpdateItem.
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
    // It cannot ask for a shop's erasure: only the receiver, after the signature, sends to that queue.
    expect(actions).not.toContain('sqs:SendMessage');
  });

  it('lets the shop eraser consume its queue, query and batch-delete, and nothing else', () => {
    const actions = allowedActions(synthesized.template, functions.shopEraser);

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:Query',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    const consumed = allowStatements(synthesized.template, functions.shopEraser).filter((statement) => [statement.Action].flat().includes('sqs:ReceiveMessage'));
    expect(consumed.flatMap((statement) => [statement.Resource].flat())).toEqual([{ 'Fn::GetAtt': [logicalId(synthesized.stack.intake.shopRedactQueue.node.defaultChild as CfnElement), 'Arn'] }]);
  });

  it('lets the API read and write the table and read the secret, but not touch the queue', () => {
    const actions = allowedActions(synthesized.template, functions.api);

    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue']));
    expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual([]);
  });

  it('grants no wildcard action and no "*" resource to any function, but dynamodb:ListStreams to the stream\'s reader', () => {
    for (const fn of all) {
      const statements = allowStatements(synthesized.template, fn);

      expect(statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.includes('*'))).toEqual([]);
      // ListStreams takes no resource but "*" (Lambda lists the table's streams with it); nothing else may.
      const onEverything = statements.filter((statement) => [statement.Resource].flat().includes('*')).flatMap((statement) => [statement.Action].flat());
      const streamReaders = [synthesized.stack.figures.function, synthesized.stack.outbound.streamConsumer];
      expect(onEverything).toEqual(streamReaders.includes(fn) ? ['dynamodb:ListStreams'] : []);
    }
  });

  it('gives each function its own role, with no managed policy (so no AWSLambdaBasicExecutionRole)', () => {
    const roles = synthesized.template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] } } });

    expect(Object.keys(roles)).toHaveLength(all.length);
    expect(Object.values(roles).every((role) => role.Properties.ManagedPolicyArns === undefined)).toBe(true);
  });

  it('turns on X-Ray tracing when the stage asks for it', () => {
    const traced = synthesize({ context: { tracing: 'true' } });

    const modes = Object.values(traced.template.findResources('AWS::Lambda::Function')).map((fn) => (fn.Properties as FunctionProperties).TracingConfig?.Mode);

    expect(modes).toEqual(Array.from({ length: all.length }, () => 'Active'));
  });
});
