/**
 * A verified delivery as an SQS message: the raw body as the message body, the headers that
 * matter as message attributes. Large bodies are gzipped (and base64-encoded) so that a body at
 * the webhook limit still fits SQS's 1 MiB message.
 *
 * Two queues: `shop/redact` goes to the shop eraser's, every other topic to the processor's, so
 * that only the eraser's function needs the right to delete a whole shop.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { VerifiedDelivery } from '../http/deps.ts';
import { isEarningTopic, parseJson, toEvent } from './webhook-events.ts';
import { InvalidPayloadError, ShopifyError } from './errors.ts';
import type { Delivery } from './deliveries.ts';

/** `webhooks`: the webhook processor's queue; `shop-erasure`: the shop eraser's. */
export type DeliveryQueue = 'webhooks' | 'shop-erasure';

/** The queue a delivery of `topic` belongs in. */
export function queueFor(topic: string): DeliveryQueue {
  return topic === 'shop/redact' ? 'shop-erasure' : 'webhooks';
}

/**
 * A delivery taken from a queue it does not belong in (one queued before the split, or a dead
 * letter redriven to the wrong queue): the function there lacks the rights to process it. It is
 * retried, then dead-lettered, never dropped; a person moves it to the queue `expected` names.
 */
export class MisroutedDeliveryError extends ShopifyError {
  override readonly type = 'misrouted-delivery';
  constructor(
    readonly topic: string,
    readonly queue: DeliveryQueue,
  ) {
    super(`a ${topic} delivery belongs in the ${queueFor(topic)} queue, not in the ${queue} queue`);
    this.name = 'MisroutedDeliveryError';
  }

  /** The queue the delivery belongs in. */
  get expected(): DeliveryQueue {
    return queueFor(this.topic);
  }
}

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

/** An SQS record's body and string attributes (the shape Lambda's SQS event gives them). */
export function queuedMessageOf(record: { body: string; messageAttributes?: Record<string, { stringValue?: string }> }): QueuedMessage {
  const attributes = Object.fromEntries(Object.entries(record.messageAttributes ?? {}).flatMap(([name, value]) => (value.stringValue ? [[name, value.stringValue]] : [])));
  return { body: record.body, attributes };
}

/** Back to a delivery; the body was validated by the receiver, so a failure here is a poison message. */
export function fromQueuedMessage(message: QueuedMessage): Delivery {
  const { shop, topic, webhookId, eventId, encoding } = message.attributes;
  if (!shop || !topic || !isEarningTopic(topic)) throw new InvalidPayloadError('the queued message lacks its shop or topic');
  const text = encoding === 'gzip+base64' ? gunzipSync(Buffer.from(message.body, 'base64')).toString('utf8') : message.body;
  return { shop, topic, ...(webhookId ? { webhookId } : {}), ...(eventId ? { eventId } : {}), event: toEvent(topic, parseJson(text)) };
}
