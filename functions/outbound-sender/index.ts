/**
 * The outbound pipeline's sender on Lambda: messages of the outbound queue, a few seconds' worth a
 * batch, done by the sender core per shop (member metafields, the program metafield, Flow
 * triggers, the event bus). A failed message is reported alone (`ReportBatchItemFailures`) and kept
 * away for as long as Shopify asked (throttling); after its tries it goes to the dead-letter queue.
 * A member sync deferred to its window's end goes back on the queue, delayed until then.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publicProgram } from '../../shared/http/views.ts';
import { EventBridgeEventBus } from '../../shared/notify/eventbridge-event-bus.ts';
import { adminGraphqlFromEnv, recentTokens } from '../../shared/shopify/admin-config.ts';
import { FlowTriggers } from '../../shared/shopify/flow-triggers.ts';
import { ShopifyMetafields } from '../../shared/shopify/metafields.ts';
import { DynamoDbOutboundStore } from '../../shared/store/dynamodb/outbound.ts';
import { sendOutbound, type OutboundMessage, type OutboundSenderDeps } from '../../shared/stream/outbound-sender.ts';
import { workOfMessageBody } from '../../shared/stream/outbound-work.ts';
import { SqsWorkQueue } from '../../shared/stream/sqs-work-queue.ts';
import { createAccessTokens } from '../runtime/access-tokens.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';
import { createStore, dynamoDbClient } from '../runtime/store.ts';

const store = createStore();
const queue = new SqsWorkQueue(new SQSClient({}), requiredEnv('OUTBOUND_QUEUE_URL'));
// A batch's calls for one shop read (and open) its token once.
const tokens = recentTokens(createAccessTokens());
const graphql = adminGraphqlFromEnv(process.env, tokens);
const deps: OutboundSenderDeps = {
  store: Object.assign(new DynamoDbOutboundStore(dynamoDbClient(), requiredEnv('TABLE_NAME')), {
    getShop: (shop: string) => store.getShop(shop),
    getMember: (shop: string, customerId: string) => store.getMember(shop, customerId),
    activeLots: (shop: string, customerId: string) => store.activeLots(shop, customerId),
  }),
  metafields: new ShopifyMetafields(graphql),
  flow: new FlowTriggers(graphql),
  bus: new EventBridgeEventBus({
    client: new EventBridgeClient({}),
    eventBusName: requiredEnv('OUTBOUND_EVENT_BUS_NAME'),
    onFailure: (failure) => logger.warn('outbound: the event bus refused events', failure),
  }),
  accessReady: async (shop) => (await tokens.accessToken(shop.shop)) !== undefined,
  programValue: publicProgram,
  log: { info: (message, attributes) => logger.info(message, attributes ?? {}), warn: (message, attributes) => logger.warn(message, attributes ?? {}), error: (message, attributes) => logger.error(message, attributes ?? {}) },
};

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const now = new Date();
  const messages: OutboundMessage[] = [];
  for (const record of event.Records) {
    const work = workOfMessageBody(record.body);
    if (work) messages.push({ id: record.messageId, work });
    else logger.error('outbound: dropped a message that is no work item', { messageId: record.messageId });
  }
  const result = await sendOutbound(messages, deps, now);
  const failed = new Map(result.failed.map((failure) => [failure.id, failure]));
  // Deferred syncs go back on the queue, delayed; one the queue does not take fails its message instead.
  const notSent = new Set(await queue.send(result.deferred.map(({ work, until }) => ({ work, delaySeconds: (Date.parse(until) - now.getTime()) / 1000 }))));
  for (const deferred of result.deferred) if (notSent.has(deferred.work)) failed.set(deferred.id, { id: deferred.id, afterMs: 0, reason: 'the deferred sync could not be queued' });
  const receipts = new Map(event.Records.map((record) => [record.messageId, record.receiptHandle]));
  await Promise.all(
    [...failed.values()].map(async ({ id, afterMs }) => {
      if (afterMs <= 0) return;
      try {
        await queue.returnLater(receipts.get(id)!, afterMs / 1000);
      } catch (error) {
        logger.warn('outbound: could not delay a failed message; it returns after the visibility timeout', { messageId: id, error });
      }
    }),
  );
  logger.info('outbound sent', { messages: messages.length, failed: failed.size, deferred: result.deferred.length });
  return { batchItemFailures: [...failed.keys()].map((itemIdentifier) => ({ itemIdentifier })) };
}
