import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_RETENTION_DAYS } from '../../infra/data-exports.ts';
import { allowedActions, allowStatements, functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('privacy: the export bucket and the erasure grants', () => {
  let synthesized: Synthesized;
  let bucketId: string;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
    bucketId = logicalId(synthesized.stack.dataExports.bucket.node.defaultChild as CfnElement);
  });

  it('keeps exports in an encrypted bucket closed to the public, over TLS only, for 30 days', () => {
    synthesized.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: EXPORT_RETENTION_DAYS, Status: 'Enabled' })]) },
    });
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(synthesized.template.findResources('AWS::S3::Bucket')[bucketId]?.DeletionPolicy).toBe('Retain');
  });

  it('lets only the export job write exports, and only the shop eraser (in bulk) and the webhook processor (one item) delete items', () => {
    const { intake, api, appPage, scheduledJobs } = synthesized.stack;
    const exporter = scheduledJobs.functions.find((fn) => fn.node.id === 'ExportData')!;
    const deletes = (fn: typeof api) => allowedActions(synthesized.template, fn).filter((action) => action === 'dynamodb:DeleteItem' || action === 'dynamodb:BatchWriteItem');
    expect(allowedActions(synthesized.template, exporter).filter((action) => action.startsWith('s3:'))).toEqual(['s3:PutObject']);
    expect(deletes(intake.shopEraser)).toEqual(['dynamodb:BatchWriteItem']);
    // The token item on app/uninstalled (see table-access.test.ts for which items).
    expect(deletes(intake.processor)).toEqual(['dynamodb:DeleteItem']);
    for (const other of [intake.receiver, intake.processor, intake.shopEraser, api, appPage, ...scheduledJobs.functions.filter((fn) => fn !== exporter)]) {
      expect(allowedActions(synthesized.template, other).filter((action) => action.startsWith('s3:'))).toEqual([]);
    }
    for (const other of [intake.receiver, api, appPage, ...scheduledJobs.functions]) expect(deletes(other)).toEqual([]);
    const s3 = allowStatements(synthesized.template, exporter).find((statement) => [statement.Action].flat().includes('s3:PutObject'));
    expect(JSON.stringify(s3?.Resource)).toContain(bucketId);
    expect(JSON.stringify(s3?.Resource)).toContain('/exports/*');
    const env = (synthesized.template.findResources('AWS::Lambda::Function')[functionLogicalId(exporter)]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(env.EXPORT_BUCKET).toEqual({ Ref: bucketId });
  });
});
