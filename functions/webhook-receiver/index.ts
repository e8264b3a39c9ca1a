/**
 * Webhook intake on Lambda: verify the HMAC and the payload's shape, hand the raw delivery to SQS,
 * answer 200 well inside Shopify's five seconds. The processor does the work.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { createWebhookIntakeApp } from '../../shared/http/app.ts';
import { toQueuedMessage } from '../../shared/shopify/queued-delivery.ts';
import { appSecrets } from '../runtime/secrets.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';

const sqs = new SQSClient({});
const queueUrl = requiredEnv('QUEUE_URL');

const app = createWebhookIntakeApp({
  secrets: appSecrets,
  clock: systemClock,
  logger,
  deliver: async (delivery) => {
    const message = toQueuedMessage(delivery);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: message.body,
        MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      }),
    );
    return { outcome: 'queued' as const };
  },
});

export const handler = handle(app);
