/**
 * The CDK app (`npm run synth`, `npm run deploy -- -c stage=prod`). Synthesizes offline: with no
 * credentials the account and region fall back to placeholders, and nothing is looked up.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LoyaltyStack } from './loyalty-stack.ts';
import { stageSettings } from './stage-settings.ts';

const app = new App();
const settings = stageSettings(app.node);

// `-c account=… -c region=…` wins; then the CLI's credentials; then a placeholder, fine for synth only.
const account = String(app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT ?? '111111111111');
const region = String(app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1');

new LoyaltyStack(app, `Loyalty-${settings.stage}`, {
  env: { account, region },
  settings,
  description: `Loyalty program for Shopify stores (${settings.stage})`,
});

Tags.of(app).add('project', 'loyalty');
Tags.of(app).add('stage', settings.stage);
// Synth fails on any AwsSolutions finding that is neither fixed nor acknowledged with a reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
