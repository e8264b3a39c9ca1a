/**
 * A verified delivery as an SQS message: the raw body as the message body, the headers that
 * matter as message attributes. Large bodies are gzipped (and base64-encoded) so that a body at
 * the webhook limit still fits SQS's 1 MiB message.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { VerifiedDelivery } from '../http/deps.ts';
import { isEarningTopic, parseJson, toEvent } from './webhook-events.ts';
import { InvalidPayloadError } from './errors.ts';
import type { Delivery } from './deliveries.ts';

const COMPRESS_ABOVE_BYTES = 64 * 1024;

export interface QueuedMessage {
  body: string;
  attributes: Record<string, string>;
}

export function toQueuedMessage(delivery: VerifiedDelivery): QueuedMessage {
  const compress = Buffer.byteLength(delivery.rawBody) > COMPRESS_ABOVE_BYTES;
  return {
    body: compress ? gzipSync(delivery.rawBody).toString('base64') : delivery.rawBody,
    attributes: {
      shop: delivery.shop,
      topic: delivery.topic,
      ...(delivery.webhookId ? { webhookId: delivery.webhookId } : {}),
      ...(delivery.eventId ? { eventId: delivery.eventId } : {}),
      ...(compress ? { encoding: 'gzip+base64' } : {}),
    },
  };
}

/** Back to a delivery; the body was validated by the receiver, so a failure here is a poison message. */
export function fromQueuedMessage(message: QueuedMessage): Delivery {
  const { shop, topic, webhookId, eventId, encoding } = message.attributes;
  if (!shop || !topic || !isEarningTopic(topic)) throw new InvalidPayloadError('the queued message lacks its shop or topic');
  const text = encoding === 'gzip+base64' ? gunzipSync(Buffer.from(message.body, 'base64')).toString('utf8') : message.body;
  return { shop, topic, ...(webhookId ? { webhookId } : {}), ...(eventId ? { eventId } : {}), event: toEvent(topic, parseJson(text)) };
}
