/**
 * The app's secret and key. In the cloud they come from Secrets Manager through AWS's Parameters
 * and Secrets Lambda extension on localhost, which caches them (five minutes, set in the stack):
 * the bundle needs no Secrets Manager client. Where no `APP_SECRET_ARN` is set (tests, local
 * runs) they come from `SHOPIFY_API_SECRET` and `SHOPIFY_API_KEY`.
 */
import * as z from 'zod/mini';
import type { AppSecrets } from '../../shared/http/deps.ts';
import { requiredEnv } from './logger.ts';

/** The secret's JSON: `{"apiSecret": "…", "apiKey": "…"}`. */
const SecretSchema = z.object({ apiSecret: z.string().check(z.minLength(1)), apiKey: z.string().check(z.minLength(1)) });
const ExtensionAnswerSchema = z.object({ SecretString: z.string() });

export class SecretUnavailableError extends Error {
  readonly type = 'secret-unavailable';
}

/** Kept for the container's life between extension calls, which are cheap (its own cache). */
let cached: { value: AppSecrets; at: number } | undefined;
const REUSE_MS = 60_000;

export async function appSecrets(): Promise<AppSecrets> {
  const arn = process.env.APP_SECRET_ARN;
  if (!arn) return { apiSecret: requiredEnv('SHOPIFY_API_SECRET'), apiKey: requiredEnv('SHOPIFY_API_KEY') };
  if (cached && Date.now() - cached.at < REUSE_MS) return cached.value;
  const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
  const response = await fetch(`http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(arn)}`, {
    headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
  });
  if (!response.ok) throw new SecretUnavailableError(`the secrets extension answered ${response.status}`);
  const { SecretString } = ExtensionAnswerSchema.parse(await response.json());
  const value = SecretSchema.parse(JSON.parse(SecretString));
  cached = { value, at: Date.now() };
  return value;
}
