/**
 * Webhook processing on Lambda: each SQS message is one verified delivery, run through the same
 * core as the local server. Failed messages are reported one by one (`ReportBatchItemFailures`)
 * and retried by SQS, then dead-lettered; a message that can never succeed is logged and dropped.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { CurrencyMismatchError } from '../../shared/earning/errors.ts';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { processDelivery } from '../../shared/shopify/deliveries.ts';
import { fromQueuedMessage } from '../../shared/shopify/queued-delivery.ts';
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
  const attributes = Object.fromEntries(
    Object.entries(record.messageAttributes ?? {}).flatMap(([name, value]) => (value.stringValue ? [[name, value.stringValue]] : [])),
  );
  const log = logger.createChild({ persistentKeys: { shop: attributes.shop, topic: attributes.topic, webhookId: attributes.webhookId, messageId: record.messageId } });
  try {
    const delivery = fromQueuedMessage({ body: record.body, attributes });
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
    log.warn('webhook processing failed; SQS will retry it', { error });
    throw error;
  }
}

export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, processRecord, processor, { context });
