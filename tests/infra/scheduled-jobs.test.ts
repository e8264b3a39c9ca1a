import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { allowedActions, functionLogicalId, logicalId, synthesize } from './synthesized-stack.ts';

describe('scheduled jobs', () => {
  it('runs the coupon outbox every five minutes, with table access and no secret', () => {
    const { template, stack } = synthesize();

    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    expect(stack.scheduledJobs.functions.map((fn) => fn.node.id)).toEqual(['IssueCoupons']);
    const actions = allowedActions(template, stack.scheduledJobs.functions[0]!);
    expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actions.filter((action) => action.startsWith('secretsmanager:') || action.startsWith('sqs:'))).toEqual([]);
  });

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
      scheduledJobs: [{ name: 'ExpireLots', entry: 'functions/api/index.ts', scheduleExpression: 'rate(1 day)', grant: (fn, { table }) => fn.grantTableReadWrite(table) }],
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
