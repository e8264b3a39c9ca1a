import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoyaltyFunction } from '../../infra/loyalty-function.ts';
import { allowStatements, functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('the token key', () => {
  let synthesized: Synthesized;
  let all: LoyaltyFunction[];
  let keyId: string;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    const { intake, api, appPage, scheduledJobs, tokenKey } = synthesized.stack;
    all = [intake.receiver, intake.processor, intake.shopEraser, api, appPage, ...scheduledJobs.functions];
    keyId = logicalId(tokenKey.key.node.defaultChild as CfnElement);
  });

  /** The KMS actions a function may perform on the token key. */
  const kmsActionsOnKey = (fn: LoyaltyFunction) =>
    allowStatements(synthesized.template, fn)
      .filter((statement) => JSON.stringify(statement.Resource).includes(keyId))
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.startsWith('kms:'));

  it('is a customer managed key of its own, rotated, kept with a kept stage', () => {
    synthesized.template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('Shopify Admin API tokens') }, DeletionPolicy: 'Retain' });
  });

  it('may be used to decrypt only by the API (token exchange), the coupon outbox and the reconciliation (refresh and use)', () => {
    const decrypting = all.filter((fn) => kmsActionsOnKey(fn).includes('kms:Decrypt')).map((fn) => fn.node.id);

    expect(decrypting.sort()).toEqual(['Api', 'IssueCoupons', 'Reconcile']);
    for (const fn of all.filter((fn) => !['Api', 'IssueCoupons', 'Reconcile'].includes(fn.node.id))) expect(kmsActionsOnKey(fn)).toEqual([]);
    expect(kmsActionsOnKey(synthesized.stack.api).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt']);
  });

  it('is named to those two functions as TOKEN_KEY_ID, and the outbox may read the app secret to refresh', () => {
    const variables = (fn: LoyaltyFunction) =>
      (synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(fn)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    const outbox = synthesized.stack.scheduledJobs.functions.find((fn) => fn.node.id === 'IssueCoupons')!;

    for (const fn of [synthesized.stack.api, outbox]) expect(variables(fn).TOKEN_KEY_ID).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(variables(outbox).APP_SECRET_ARN).toBeDefined();
    expect(variables(synthesized.stack.intake.processor).TOKEN_KEY_ID).toBeUndefined();
  });

  it('is not needed to forget a shop: the processor deletes the token item (app/uninstalled) and the eraser the whole shop without it', () => {
    const { processor, shopEraser } = synthesized.stack.intake;

    for (const fn of [processor, shopEraser]) {
      const kms = allowStatements(synthesized.template, fn).flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith('kms:'));
      expect(kms).toEqual([]);
    }
  });

  it('lets no one but its two users decrypt with it through its key policy either (the account root only delegates to IAM)', () => {
    const policy = synthesized.template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy as { Statement: { Principal: unknown; Action: string | string[] }[] };

    const principals = policy.Statement.map((statement) => statement.Principal);

    expect(principals).toEqual([{ AWS: 'arn:aws:iam::111111111111:root' }]);
  });
});
