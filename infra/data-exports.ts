/**
 * Where `customers/data_request` exports go in the cloud: a private bucket, encrypted, reachable
 * only over TLS, whose objects expire (an export is for the store to hand on, not to keep).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageSettings } from './stage-settings.ts';

/** Days an export is kept before S3 deletes it. */
export const EXPORT_RETENTION_DAYS = 30;

export class DataExports extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: { settings: StageSettings }) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(EXPORT_RETENTION_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.settings.removalPolicy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Exports live 30 days and are written by one function role; who read them is answered by CloudTrail data events if the account enables them, and a second bucket of access logs would itself hold copies of personal-data object keys for longer than the exports.',
    });
  }
}
