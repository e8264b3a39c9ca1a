import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaEntries } from '../../infra/bundle-options.ts';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { SCHEDULED_JOBS } from '../../infra/loyalty-stack.ts';
import { DUE_LOTS_TABLE_ACCESS } from '../../infra/scheduled-jobs.ts';
import { allowStatements, allowedActions, functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

/** The table actions each job's declared rights come to, sorted (which items and indexes: table-access.test.ts). */
const TABLE_ACTIONS: Record<string, string[]> = {
  IssueCoupons: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Expire: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Activate: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Remind: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Winback: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Tiers: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  ExportData: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  Reconcile: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
};

describe('the jobs the service runs', () => {
  let synthesized: Synthesized;
  let job: (name: string) => LoyaltyFunction;
  let environment: (name: string) => Record<string, unknown>;
  let busArn: unknown;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    job = (name) => {
      const found = synthesized.stack.scheduledJobs.functions.find((fn) => fn.node.id === name);
      if (!found) throw new Error(`no job ${name}`);
      return found;
    };
    environment = (name) => synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(job(name))]?.Properties.Environment.Variables as Record<string, unknown>;
    busArn = { 'Fn::GetAtt': [logicalId(synthesized.stack.messages.bus.node.defaultChild as CfnElement), 'Arn'] };
  });

  it('are one per job, each on its own schedule (UTC): the draining ones often enough that a run stopped early is gone on soon', () => {
    const expressions = Object.fromEntries(
      synthesized.stack.scheduledJobs.schedules.map((schedule) => {
        const properties = synthesized.template.findResources('AWS::Scheduler::Schedule')[logicalId(schedule.node.defaultChild as CfnElement)]?.Properties as { ScheduleExpression: string; Description: string };
        return [properties.Description.replace(/^Starts the (\w+) job$/, '$1'), properties.ScheduleExpression];
      }),
    );

    synthesized.template.resourceCountIs('AWS::Scheduler::Schedule', SCHEDULED_JOBS.length);
    expect(expressions).toEqual({
      IssueCoupons: 'rate(5 minutes)',
      ExportData: 'rate(15 minutes)',
      Expire: 'rate(15 minutes)',
      Activate: 'rate(15 minutes)',
      // Mail in the morning: the first run does the day, the next ones go on with what it left.
      Remind: 'cron(0/15 9-11 * * ? *)',
      Winback: 'cron(0/15 10-12 * * ? *)',
      Tiers: 'rate(1 hour)',
      Lifecycle: 'rate(1 hour)',
      Referrals: 'rate(1 hour)',
      Birthdays: 'cron(5 0-6 * * ? *)',
      Reconcile: 'rate(1 hour)',
    });
  });

  it.each(['Expire', 'Activate', 'Remind', 'Winback', 'Tiers'])('give %s Lambda\'s longest run, which it stops a minute short of when work is left', (name) => {
    const properties = synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(job(name))]?.Properties as { Timeout: number };

    expect(properties.Timeout).toBe(900);
  });

  it('run the tiers job from its own entry', () => {
    expect(lambdaEntries.tiers).toBe('functions/tiers/index.ts');
    expect(SCHEDULED_JOBS.find((scheduled) => scheduled.name === 'Tiers')?.entry).toBe(lambdaEntries.tiers);
  });

  it.each(['Expire', 'Activate', 'Tiers'])('let %s use the table\'s items and nothing else', (name) => {
    const actions = allowedActions(synthesized.template, job(name));

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual(TABLE_ACTIONS[name]);
    expect(environment(name)).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it('let IssueCoupons use the table\'s items, the app secret and the token key (to renew access tokens), and nothing else', () => {
    const actions = allowedActions(synthesized.template, job('IssueCoupons'));

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual(
      [...TABLE_ACTIONS.IssueCoupons!, 'kms:Decrypt', 'kms:Encrypt', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(environment('IssueCoupons')).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it('let Reconcile use the table\'s items, the app secret and the token key (the shops\' Admin API tokens), from its own entry, and nothing else', () => {
    const actions = allowedActions(synthesized.template, job('Reconcile'));

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual(
      [...TABLE_ACTIONS.Reconcile!, 'kms:Decrypt', 'kms:Encrypt', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(SCHEDULED_JOBS.find((scheduled) => scheduled.name === 'Reconcile')?.entry).toBe('functions/reconcile/index.ts');
    expect(environment('Reconcile')).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it('let ExportData use the table\'s items and put objects under the export bucket\'s exports/ prefix, and nothing else', () => {
    const actions = allowedActions(synthesized.template, job('ExportData'));

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual([...TABLE_ACTIONS.ExportData!, 's3:PutObject'].sort());
    expect(environment('ExportData')).not.toHaveProperty('EVENT_BUS_NAME');
  });

  it.each(['Remind', 'Winback'])('let %s use the table\'s items, put events on the bus, read the app secret (unsubscribe links) and send the templated e-mails from the stage\'s sender, and nothing else', (name) => {
    const statements = allowStatements(synthesized.template, job(name));
    const actions = allowedActions(synthesized.template, job(name));

    expect(actions.filter((action) => !action.startsWith('logs:'))).toEqual([...TABLE_ACTIONS[name]!, 'events:PutEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'ses:SendEmail'].sort());
    expect(statements.find((statement) => statement.Action === 'events:PutEvents')?.Resource).toEqual(busArn);
    expect([...(statements.find((statement) => statement.Action === 'ses:SendEmail')?.Resource as string[])].sort()).toEqual([
      'arn:aws:ses:us-east-1:111111111111:identity/example.com',
      'arn:aws:ses:us-east-1:111111111111:identity/loyalty@example.com',
      'arn:aws:ses:us-east-1:111111111111:template/loyalty-prod-points-expiring',
      'arn:aws:ses:us-east-1:111111111111:template/loyalty-prod-winback',
    ]);
    expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual([]);
  });

  it.each(['Remind', 'Winback'])('tell %s the bus, the template prefix, the sender, the secret and the API\'s base URL', (name) => {
    expect(environment(name)).toMatchObject({
      EVENT_BUS_NAME: { Ref: logicalId(synthesized.stack.messages.bus.node.defaultChild as CfnElement) },
      SES_TEMPLATE_PREFIX: 'loyalty-prod-',
      SES_SENDER_EMAIL: 'loyalty@example.com',
      APP_SECRET_ARN: { Ref: logicalId(synthesized.stack.appSecret.node.defaultChild as CfnElement) },
      PUBLIC_BASE_URL: expect.anything(),
    });
    expect(environment(name)).not.toHaveProperty('SES_CONFIGURATION_SET');
  });

  it('have the bus to themselves: no other function may put events or send e-mail', () => {
    const senders = [job('Remind'), job('Winback')];
    const others = [synthesized.stack.intake.receiver, synthesized.stack.intake.processor, synthesized.stack.api, ...synthesized.stack.scheduledJobs.functions].filter((fn) => !senders.includes(fn));

    for (const fn of others) expect(allowedActions(synthesized.template, fn).filter((action) => action.startsWith('events:') || action.startsWith('ses:'))).toEqual([]);
  });
});

describe('customer messages', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });

  it('go on a bus of the stage\'s own', () => {
    // The other bus is the outbound events' (infra/outbound.ts).
    synthesized.template.resourceCountIs('AWS::Events::EventBus', 2);
    synthesized.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'loyalty-prod' });
  });

  it('have an SES template per kind, named by stage and kind, with subject, text and HTML', () => {
    const templates = Object.values(synthesized.template.findResources('AWS::SES::Template')).map(
      (resource) => resource.Properties.Template as { TemplateName: string; SubjectPart: string; TextPart: string; HtmlPart: string },
    );

    expect(templates.map((template) => template.TemplateName).sort()).toEqual(['loyalty-prod-points-expiring', 'loyalty-prod-winback']);
    for (const template of templates) {
      expect(template.SubjectPart).toContain('{{shopName}}');
      expect(template.TextPart).toContain('{{#each rewards}}');
      expect(template.HtmlPart).toMatch(/^<!doctype html>/);
    }
  });

  it('read what the e-mail outlet sends', () => {
    const [expiring] = Object.values(synthesized.template.findResources('AWS::SES::Template'))
      .map((resource) => resource.Properties.Template as { TemplateName: string; TextPart: string })
      .filter((template) => template.TemplateName.endsWith('points-expiring'));

    for (const field of ['shopName', 'firstName', 'points', 'balance', 'expiresOn', 'name', 'cost']) expect(expiring?.TextPart).toContain(`{{${field}}}`);
  });

  it('keep two stages in one account apart (bus and template names)', () => {
    const dev = synthesize({ context: { stage: 'dev' } });

    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'loyalty-dev' });
    dev.template.hasResourceProperties('AWS::SES::Template', { Template: { TemplateName: 'loyalty-dev-winback' } });
  });
});

describe('job schedules from context', () => {
  it('replace a job\'s own schedule by name', () => {
    const { template } = synthesize({ context: { jobSchedules: { Remind: 'cron(0 7 * * ? *)' } } });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { Description: 'Starts the Remind job', ScheduleExpression: 'cron(0 7 * * ? *)' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Description: 'Starts the Winback job', ScheduleExpression: 'cron(0/15 10-12 * * ? *)' });
  });

  it('arrive from the command line as JSON', () => {
    const { template } = synthesize({ context: { jobSchedules: '{"Expire": "rate(12 hours)"}' } });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { Description: 'Starts the Expire job', ScheduleExpression: 'rate(12 hours)' });
  });

  it('refuse a schedule for a job that does not exist', () => {
    expect(() => synthesize({ context: { jobSchedules: { Remnid: 'cron(0 7 * * ? *)' } } })).toThrow(/names no job: Remnid/);
  });
});

describe('a scheduled job', () => {
  it('gives a job its function, its schedule and a role that may invoke only that function', () => {
    const { template, stack } = synthesize({
      scheduledJobs: [{ name: 'ExpireLots', entry: 'functions/api/index.ts', scheduleExpression: 'cron(0 3 * * ? *)' }],
    });
    const [job] = stack.scheduledJobs.functions;
    const functionId = functionLogicalId(job!);
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([, resource]) => JSON.stringify(resource.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));

    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [functionId, 'Arn'] }, RoleArn: { 'Fn::GetAtt': [role?.[0], 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'], Description: 'Scheduled job ExpireLots (cron(0 3 * * ? *))' });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: role?.[0] }]));
    expect(policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [{ 'Fn::GetAtt': [functionId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] }],
      },
    ]);
    expect(JSON.stringify(role?.[1].Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    expect(logicalId(job!.logGroup.node.defaultChild as CfnElement)).toMatch(/ExpireLots/);
  });

  it('tells a job the table name and grants it only what the job asks for', () => {
    const { template, stack } = synthesize({
      scheduledJobs: [{ name: 'ExpireLots', entry: 'functions/api/index.ts', scheduleExpression: 'rate(1 day)', grant: (fn, { table }) => fn.grantTable(table, DUE_LOTS_TABLE_ACCESS) }],
    });
    const job = stack.scheduledJobs.functions[0]!;

    const actions = allowedActions(template, job);

    expect(template.findResources('AWS::Lambda::Function')[functionLogicalId(job)]?.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: logicalId(stack.table.table.node.defaultChild as CfnElement) });
    expect(actions).toContain('dynamodb:Query');
    expect(actions.filter((action) => action.startsWith('secretsmanager:') || action.startsWith('sqs:'))).toEqual([]);
  });

  it('watches a job function like every other function', () => {
    const { template, stack } = synthesize({ scheduledJobs: [{ name: 'ExpireLots', entry: 'functions/api/index.ts', scheduleExpression: 'rate(1 day)' }] });
    const functionId = functionLogicalId(stack.scheduledJobs.functions[0]!);

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => JSON.stringify(alarm.Properties.Dimensions).includes(functionId));

    expect(alarms.map((alarm) => alarm.Properties.MetricName).sort()).toEqual(['Errors', 'Throttles']);
  });

  it('refuses a job name that cannot name resources', () => {
    expect(() => synthesize({ scheduledJobs: [{ name: 'expire lots', entry: 'functions/api/index.ts', scheduleExpression: 'rate(1 day)' }] })).toThrow(/PascalCase/);
  });
});
