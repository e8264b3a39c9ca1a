/**
 * What every Lambda entry shares, created once per container (outside the handler): the logger,
 * the DynamoDB client and store, and the app secret, fetched once and cached.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod/mini';
import type { AppSecrets } from '../shared/http/deps.ts';
import { DynamoDbStore } from '../shared/store/dynamodb/dynamodb-store.ts';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'loyalty' });

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`the environment variable ${name} is not set`);
  return value;
}

/** The DynamoDB table; `DYNAMODB_ENDPOINT` points elsewhere (DynamoDB Local in tests). */
export function createStore(): DynamoDbStore {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(endpoint ? { endpoint } : {});
  return new DynamoDbStore(client, requiredEnv('TABLE_NAME'));
}

const SecretSchema = z.object({ apiSecret: z.string().check(z.minLength(1)), apiKey: z.string().check(z.minLength(1)) });

/** Cached for five minutes per container, so a rotated secret is picked up without a deploy. */
const SECRET_MAX_AGE_S = 300;

/**
 * The app's secret and key: from Secrets Manager (`APP_SECRET_ARN`, a JSON secret
 * `{"apiSecret": "…", "apiKey": "…"}`), or, where no ARN is set, from `SHOPIFY_API_SECRET` and
 * `SHOPIFY_API_KEY` (tests and local runs).
 */
export async function appSecrets(): Promise<AppSecrets> {
  const arn = process.env.APP_SECRET_ARN;
  if (!arn) return { apiSecret: requiredEnv('SHOPIFY_API_SECRET'), apiKey: requiredEnv('SHOPIFY_API_KEY') };
  const value = await getSecret(arn, { transform: 'json', maxAge: SECRET_MAX_AGE_S });
  return SecretSchema.parse(value);
}
