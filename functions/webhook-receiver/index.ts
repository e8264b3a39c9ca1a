/**
 * Webhook intake on Lambda: verify the HMAC and the payload's shape, hand the raw delivery to SQS,
 * answer 200 well inside Shopify's five seconds. `shop/redact` goes to the shop eraser's queue,
 * everything else to the processor's; the functions behind them do the work.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { createWebhookIntakeApp } from '../../shared/http/app.ts';
import { queueFor, toQueuedMessage, type DeliveryQueue } from '../../shared/shopify/queued-delivery.ts';
import { appSecrets } from '../runtime/secrets.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';

const sqs = new SQSClient({});
const queueUrl = requiredEnv('QUEUE_URL');
// Read when first needed: a shop/redact is rare, and a receiver without it still takes every other topic.
const queueUrls: Record<DeliveryQueue, () => string> = { webhooks: () => queueUrl, 'shop-erasure': () => requiredEnv('SHOP_REDACT_QUEUE_URL') };

const app = createWebhookIntakeApp({
  secrets: appSecrets,
  clock: systemClock,
  logger,
  deliver: async (delivery) => {
    const message = toQueuedMessage(delivery);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrls[queueFor(delivery.topic)](),
        MessageBody: message.body,
        MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      }),
    );
    return { outcome: 'queued' as const };
  },
});

export const handler = handle(app);
