/**
 * The shops' Admin API tokens in the cloud: the token item in the table, sealed with the stack's
 * KMS key (`TOKEN_KEY_ID`) when one is set, exchanged and refreshed at `https://{shop}` (or
 * `SHOPIFY_ADMIN_URL`, in tests) with the app's credentials. Call once per container.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { systemClock } from '../../shared/clock.ts';
import type { MailSettings } from '../../shared/http/deps.ts';
import { ShopAccessTokens } from '../../shared/shopify/access-tokens.ts';
import { accessTokenOverrides, adminBaseUrl } from '../../shared/shopify/admin-config.ts';
import { KmsTokenCipher } from '../../shared/shopify/kms-token-cipher.ts';
import { plainTokenCipher } from '../../shared/shopify/token-cipher.ts';
import { ShopifyTokenEndpoint } from '../../shared/shopify/token-endpoint.ts';
import { logger } from './logger.ts';
import { appSecrets } from './secrets.ts';
import { createAccessTokenStore } from './store.ts';

export function createAccessTokens(): ShopAccessTokens {
  const keyId = process.env.TOKEN_KEY_ID;
  const base = adminBaseUrl(process.env);
  return new ShopAccessTokens({
    store: createAccessTokenStore(),
    cipher: keyId ? new KmsTokenCipher(new KMSClient({}), keyId) : plainTokenCipher,
    endpoint: new ShopifyTokenEndpoint({ base: base ? () => base : (shop) => `https://${shop}`, credentials: appSecrets }),
    overrides: accessTokenOverrides(process.env),
    clock: systemClock,
    logger,
  });
}

/** The sender settings the stack gives the functions, for the admin's Setup screen. */
export function mailSettingsFromEnv(): MailSettings {
  const { SES_SENDER_EMAIL: senderEmail, SES_CONFIGURATION_SET: configurationSet } = process.env;
  return { ...(senderEmail ? { senderEmail } : {}), ...(configurationSet ? { configurationSet } : {}) };
}
