/**
 * Webhook processing on Lambda: each SQS message is one verified delivery, run through the same
 * core as the local server. Failed messages are reported one by one (`ReportBatchItemFailures`)
 * and retried by SQS, then dead-lettered; a message that can never succeed is logged and dropped.
 * `shop/redact` is not processed here: it has its own queue and function (functions/shop-eraser),
 * the only one allowed to delete a whole shop.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { CurrencyMismatchError } from '../../shared/earning/errors.ts';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { processDelivery } from '../../shared/shopify/deliveries.ts';
import { fromQueuedMessage, MisroutedDeliveryError, queuedMessageOf, queueFor } from '../../shared/shopify/queued-delivery.ts';
import { DeferredExportSink } from '../../shared/privacy/deferred-exports.ts';
import { ThrottledDeliveryLog } from '../../shared/shopify/delivery-log.ts';
import { DynamoDbWebhookDeliveryLog } from '../../shared/store/dynamodb/webhook-deliveries.ts';
import { createAccessTokenStore, createStore, dynamoDbClient } from '../runtime/store.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';

const store = createStore();
// Data requests are queued here and written by the export-data job (which has the S3 client).
const exports = new DeferredExportSink(store);
const processor = new BatchProcessor(EventType.SQS);
// `app/uninstalled` deletes the shop's tokens (no key needed to delete); each topic's last delivery, for the Setup screen.
const accessTokens = createAccessTokenStore();
const deliveryLog = new ThrottledDeliveryLog(new DynamoDbWebhookDeliveryLog(dynamoDbClient(), requiredEnv('TABLE_NAME')));

async function processRecord(record: SQSRecord): Promise<void> {
  const message = queuedMessageOf(record);
  const { attributes } = message;
  const log = logger.createChild({ persistentKeys: { shop: attributes.shop, topic: attributes.topic, webhookId: attributes.webhookId, messageId: record.messageId } });
  try {
    const delivery = fromQueuedMessage(message);
    if (queueFor(delivery.topic) !== 'webhooks') throw new MisroutedDeliveryError(delivery.topic, 'webhooks');
    const result = await processDelivery(store, delivery, new Date(), { exports, accessTokens, deliveryLog });
    log.info('webhook processed', { outcome: result.outcome, ...('points' in result ? { points: result.points } : {}) });
  } catch (error) {
    if (error instanceof InvalidPayloadError) {
      log.error('dropped a queued delivery that can never be processed', { errorType: error.type, problems: error.problems });
      return;
    }
    if (error instanceof CurrencyMismatchError) {
      log.error('dropped an order in another currency than the shop’s', { errorType: error.type, orderId: error.orderId, currency: error.currency, shopCurrency: error.shopCurrency });
      return;
    }
    if (error instanceof MisroutedDeliveryError) {
      // Kept, not dropped: after its retries it waits in the dead-letter queue to be redriven to its own queue.
      log.error('a delivery in the wrong queue; redrive it from the dead-letter queue to its own', { errorType: error.type, expectedQueue: error.expected });
      throw error;
    }
    log.warn('webhook processing failed; SQS will retry it', { error });
    throw error;
  }
}

export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, processRecord, processor, { context });
