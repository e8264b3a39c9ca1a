/**
 * The yardstick for `bench/bundles.ts`, never deployed: the webhook receiver as it comes out when
 * nobody minds the bundle — classic zod for validation, and the aggregated `SQS` and `DynamoDB`
 * clients, which carry every command of both services. Exported, so esbuild keeps all of it.
 */
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import { SQS } from '@aws-sdk/client-sqs';
import { z } from 'zod';

export { handler } from '../functions/webhook-receiver/index.ts';

const WebhookHeaders = z.object({
  'x-shopify-hmac-sha256': z.string().min(1),
  'x-shopify-topic': z.string().min(1),
  'x-shopify-shop-domain': z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/),
  'x-shopify-webhook-id': z.string().optional(),
});

export const naive = {
  sqs: new SQS({}),
  dynamodb: new DynamoDB({}),
  headers: WebhookHeaders,
};
