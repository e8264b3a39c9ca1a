import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { synthesize, type Synthesized } from './synthesized-stack.ts';

/** The real jobs, so the Scheduler roles' findings and the e-mail senders' are checked too; tracing on, so X-Ray's is. */
const WITH_EVERYTHING = {
  context: { stage: 'prod', tracing: 'true', alarmEmail: 'oncall@example.com' },
};

/** Every acknowledgment in the tree: rule id → reason. */
function acknowledgments(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id.replace(/^annotation::/i, ''), reason);
    }
  }
  return found;
}

const describeViolations = (violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[]) =>
  violations.map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((resource) => resource.constructPath).join(', ')}`);

describe('cdk-nag AwsSolutions checks', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesize(WITH_EVERYTHING);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('find nothing unacknowledged in a production stage', () => {
    const report = new AwsSolutionsChecks().validateScope(prod.stack);

    expect(describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('find nothing unacknowledged in the default (dev) stage', () => {
    const dev = synthesize();

    const report = new AwsSolutionsChecks().validateScope(dev.stack);

    expect(describeViolations(report.violations)).toEqual([]);
  });

  it('leave no CDK error or warning annotation behind either', () => {
    const annotations = Annotations.fromStack(prod.stack);

    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('carry a written reason for every acknowledgment', () => {
    const found = acknowledgments(prod.stack);

    expect([...found.keys()].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      // The webhook processor writes data exports under one prefix of the export bucket.
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<DataExportsBucket\w+\.Arn>\/exports\/\*\]$/),
      // Each job's Scheduler role may invoke its function (and its versions).
      ...prod.stack.scheduledJobs.functions.map((fn) => fn.node.id).sort().map((job) => expect.stringMatching(new RegExp(`^AwsSolutions-IAM5\\[Resource::<ScheduledJobs${job}Function\\w+\\.Arn>:\\*\\]$`))),
      'AwsSolutions-L1',
      // The export bucket keeps no access-log bucket (see infra/data-exports.ts).
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      // The figures aggregator's dead-letter destination (see infra/figures-aggregator.ts).
      'AwsSolutions-SQS3',
    ]);
    for (const reason of found.values()) expect(reason.length).toBeGreaterThan(40);
  });

  it('would fail without the acknowledgments, each of which answers a real finding', () => {
    const acknowledged = acknowledgments(prod.stack);
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    const bare = synthesize(WITH_EVERYTHING);

    const report = new AwsSolutionsChecks().validateScope(bare.stack);

    expect(report.violations.map((violation) => violation.ruleName).sort()).toEqual([...acknowledged.keys()].sort());
  });

  it('do report what they should (so a clean report means something)', () => {
    const stack = new Stack(new App(), 'Careless');
    new Queue(stack, 'Queue');

    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});
