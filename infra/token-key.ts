/**
 * The KMS key that seals the shops' Shopify access and refresh tokens in the table. Rotated every
 * year by KMS; usable (Encrypt, Decrypt) only by the functions that exchange, refresh or use the
 * tokens: the API (token exchange, coupons at redemption) and the coupon outbox job.
 */
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';

export interface TokenKeyProps {
  readonly settings: StageSettings;
}

export class TokenKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: TokenKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Seals the Shopify Admin API tokens of the loyalty service's shops (${props.settings.stage})`,
      enableKeyRotation: true,
      // A stage that keeps its table keeps the key that opens its tokens.
      removalPolicy: props.settings.removalPolicy,
    });
  }

  /** `TOKEN_KEY_ID` for the function's environment. */
  get environment(): Record<string, string> {
    return { TOKEN_KEY_ID: this.key.keyArn };
  }

  /** kms:Encrypt and kms:Decrypt on this key, and nothing else: what `KmsTokenCipher` calls (no data keys). */
  grantUse(fn: LoyaltyFunction): void {
    this.key.grant(fn.function, 'kms:Encrypt', 'kms:Decrypt');
  }
}
