import type { CfnElement } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER_API_KEY } from '../../infra/loyalty-stack.ts';
import { stageSettings } from '../../infra/stage-settings.ts';
import { logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('stage settings', () => {
  it('default to a dev stage with a month of logs', () => {
    const settings = stageSettings(new App({ context: { stage: 'dev', logRetentionDays: 30, alarmEmail: '' } }).node);

    expect(settings).toMatchObject({ stage: 'dev', logRetention: RetentionDays.ONE_MONTH, alarmEmail: undefined, logLevel: 'INFO', tracing: false, jobSchedules: {} });
  });

  it('take job schedules as an object (cdk.json) or as JSON (command line)', () => {
    const fromJson = stageSettings(new App({ context: { jobSchedules: { Remind: ' cron(0 8 * * ? *) ' } } }).node);
    const fromCli = stageSettings(new App({ context: { jobSchedules: '{"Winback": "rate(2 days)"}' } }).node);

    expect(fromJson.jobSchedules).toEqual({ Remind: 'cron(0 8 * * ? *)' });
    expect(fromCli.jobSchedules).toEqual({ Winback: 'rate(2 days)' });
  });

  it('take command-line overrides, which arrive as strings', () => {
    const settings = stageSettings(new App({ context: { stage: 'prod', logRetentionDays: '90', alarmEmail: 'oncall@example.com', tracing: 'true', logLevel: 'debug', sesSenderEmail: 'loyalty@example.com' } }).node);

    expect(settings).toMatchObject({ stage: 'prod', logRetention: RetentionDays.THREE_MONTHS, alarmEmail: 'oncall@example.com', logLevel: 'DEBUG', tracing: true });
  });

  it.each([
    [{ stage: 'Prod!' }, /stage/],
    [{ logRetentionDays: '42' }, /logRetentionDays/],
    [{ alarmEmail: 'not-an-address' }, /alarmEmail/],
    [{ logLevel: 'LOUD' }, /logLevel/],
    [{ jobSchedules: '{"Remind": ' }, /jobSchedules.*not JSON/],
    [{ jobSchedules: '["cron(0 8 * * ? *)"]' }, /jobSchedules: use an object/],
    [{ jobSchedules: { 'remind me': 'rate(1 day)' } }, /not a job name/],
    [{ jobSchedules: { Remind: 'every morning' } }, /jobSchedules\.Remind.*rate\(…\), cron\(…\) or at\(…\)/],
  ])('refuse %o', (context, message) => {
    expect(() => stageSettings(new App({ context }).node)).toThrow(message);
  });
});

describe('the app secret', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });

  it('starts as a generated placeholder in the JSON shape the functions read', () => {
    synthesized.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    synthesized.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: JSON.stringify({ apiKey: SECRET_PLACEHOLDER_API_KEY }), GenerateStringKey: 'apiSecret' },
    });
  });

  it('is retained outside dev', () => {
    synthesized.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  it('is readable by the receiver, the API, the admin page (its key), the two jobs that sign unsubscribe links, the coupon outbox, the reconciliation and the outbound sender (which renew access tokens), which get its ARN, and by nothing else', () => {
    const secretId = logicalId(synthesized.stack.appSecret.node.defaultChild as CfnElement);
    const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy'));

    const readers = policies.filter((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue')).map((policy) => JSON.stringify(policy.Properties.Roles));
    const withArn = Object.values(synthesized.template.findResources('AWS::Lambda::Function')).filter((fn) => JSON.stringify(fn.Properties.Environment.Variables.APP_SECRET_ARN) === JSON.stringify({ Ref: secretId }));

    const roleOf = (fn: { role: { node: { defaultChild?: unknown } } }) => JSON.stringify([{ Ref: logicalId(fn.role.node.defaultChild as CfnElement) }]);
    const jobs = synthesized.stack.scheduledJobs.functions.filter((fn) => ['Remind', 'Winback', 'IssueCoupons', 'Reconcile'].includes(fn.node.id));
    expect(readers.sort()).toEqual([roleOf(synthesized.stack.intake.receiver), roleOf(synthesized.stack.api), roleOf(synthesized.stack.appPage), ...jobs.map(roleOf), roleOf(synthesized.stack.outbound.sender)].sort());
    expect(withArn).toHaveLength(8);
  });
});
