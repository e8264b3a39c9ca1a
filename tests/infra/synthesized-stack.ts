/**
 * Builds the stack the way `infra/app.ts` does (same `cdk.json` context, feature flags included)
 * and synthesizes it once, offline. Bundling is skipped unless asked for: only the function tests
 * need the real bundles, and skipping it keeps the other files fast.
 */
import { readFileSync } from 'node:fs';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LoyaltyStack } from '../../infra/loyalty-stack.ts';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import type { ScheduledJob } from '../../infra/scheduled-jobs.ts';
import { stageSettings } from '../../infra/stage-settings.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

export interface SynthesizeOptions {
  /** Overrides, as `-c key=value` would (values as strings, like the CLI passes them). */
  readonly context?: Record<string, unknown>;
  /** Run esbuild for every function (slower); otherwise the code assets are placeholders. */
  readonly bundle?: boolean;
  readonly scheduledJobs?: readonly ScheduledJob[];
}

export interface Synthesized {
  readonly app: App;
  readonly stack: LoyaltyStack;
  readonly template: Template;
}

export function synthesize(options: SynthesizeOptions = {}): Synthesized {
  const app = new App({
    context: {
      ...cdkJson.context,
      // Every stage but dev must name its mail sender; tests stand for a real one.
      sesSenderEmail: 'loyalty@example.com',
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const settings = stageSettings(app.node);
  const stack = new LoyaltyStack(app, `Loyalty-${settings.stage}`, {
    env: { account: '111111111111', region: 'us-east-1' },
    settings,
    ...(options.scheduledJobs ? { scheduledJobs: options.scheduledJobs } : {}),
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export function logicalId(element: CfnElement): string {
  const stack = Stack.of(element);
  return String(stack.resolve(stack.getLogicalId(element)));
}

export function functionLogicalId(fn: LoyaltyFunction): string {
  return logicalId(fn.function.node.defaultChild as CfnElement);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every Allow statement in the IAM policies attached to the function's role. */
export function allowStatements(template: Template, fn: LoyaltyFunction): Statement[] {
  const roleId = logicalId(fn.role.node.defaultChild as CfnElement);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

/** The IAM actions the function's role is allowed, sorted and without repeats. */
export function allowedActions(template: Template, fn: LoyaltyFunction): string[] {
  const actions = allowStatements(template, fn).flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
  return [...new Set(actions)].sort();
}
