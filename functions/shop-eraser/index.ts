/**
 * `shop/redact` on Lambda: each SQS message is one shop to erase, from the queue the receiver
 * sends that topic to and no other. This is the only function that may delete a shop's items in
 * bulk; it reads nothing but the keys it deletes. A shop too large for one delivery fails it
 * (`ShopErasureUnfinishedError`) and the retry goes on where the table says; a delivery of any
 * other topic is refused and kept for a person to redrive.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ShopErasureUnfinishedError, type DataExportSink } from '../../shared/privacy/privacy.ts';
import { processDelivery } from '../../shared/shopify/deliveries.ts';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { fromQueuedMessage, MisroutedDeliveryError, queuedMessageOf, queueFor } from '../../shared/shopify/queued-delivery.ts';
import { createStore } from '../runtime/store.ts';
import { logger } from '../runtime/logger.ts';

const store = createStore();
const processor = new BatchProcessor(EventType.SQS);
/** Data requests are the processor's: a delivery that reached here with one is refused before this is called. */
const noExports: DataExportSink = {
  export: () => Promise.reject(new Error('the shop eraser writes no data exports')),
};

async function eraseRecord(record: SQSRecord): Promise<void> {
  const message = queuedMessageOf(record);
  const { attributes } = message;
  const log = logger.createChild({ persistentKeys: { shop: attributes.shop, topic: attributes.topic, webhookId: attributes.webhookId, messageId: record.messageId } });
  try {
    const delivery = fromQueuedMessage(message);
    if (queueFor(delivery.topic) !== 'shop-erasure') throw new MisroutedDeliveryError(delivery.topic, 'shop-erasure');
    const result = await processDelivery(store, delivery, new Date(), { exports: noExports });
    log.info('shop erased', { outcome: result.outcome, ...('detail' in result ? result.detail : {}) });
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      log.error('dropped a queued delivery that can never be processed', { errorType: error.type, problems: error.problems });
      return;
    }
    if (error instanceof ShopErasureUnfinishedError) {
      log.info('shop erasure goes on at the next delivery', { errorType: error.type, erasedItems: error.erasedItems });
      throw error;
    }
    if (error instanceof MisroutedDeliveryError) {
      log.error('a delivery in the wrong queue; redrive it from the dead-letter queue to its own', { errorType: error.type, expectedQueue: error.expected });
      throw error;
    }
    log.warn('shop erasure failed; SQS will retry it', { error });
    throw error;
  }
}

// One shop per batch, so every failure is the whole batch: reported, not thrown, so that a large
// shop's erasure going on at its next delivery is not counted as the function failing. A delivery
// that keeps failing reaches the dead-letter queue, which has its alarm.
export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, eraseRecord, processor, { context, throwOnFullBatchFailure: false });
