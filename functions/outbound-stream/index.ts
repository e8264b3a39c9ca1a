/**
 * The outbound pipeline's stream consumer on Lambda: a batch of the table's change records (the
 * event source's filter passes members, ledger entries, coupons, messages and shops) becomes work
 * items, member syncs coalesced, events derived once each, and goes to the outbound queue. Nothing
 * is sent to Shopify here. A batch the queue does not take fails whole and comes again: the sender
 * is idempotent per item (syncs write the present, events are marked).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboundSourceOf, type StreamRecord } from '../../shared/store/dynamodb/stream-records.ts';
import { workOfChanges } from '../../shared/stream/outbound-work.ts';
import { SqsWorkQueue } from '../../shared/stream/sqs-work-queue.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';
import { createStore } from '../runtime/store.ts';

const store = createStore();
const queue = new SqsWorkQueue(new SQSClient({}), requiredEnv('OUTBOUND_QUEUE_URL'));

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const sources = event.Records.map((record) => {
    try {
      return outboundSourceOf(record as StreamRecord);
    } catch (error) {
      // A record that cannot be read would stop the shard for good: it sends nothing, and is said.
      logger.error('outbound: a stream record could not be read; it sends nothing', { sequence: record.dynamodb?.SequenceNumber, eventName: record.eventName, error });
      return undefined;
    }
  });
  const work = await workOfChanges(
    sources,
    (shop) => store.getShop(shop),
    (source, error) => logger.error('outbound: the events of a change could not be derived; none sent for it', { kind: source.kind, shop: source.shop, error }),
  );
  const notSent = await queue.send(work.map((item) => ({ work: item })));
  if (notSent.length) throw new Error(`outbound: the queue did not take ${notSent.length} of ${work.length} work items; the batch comes again`);
  logger.info('outbound work queued', { records: event.Records.length, work: work.length, members: work.filter((item) => item.kind === 'member').length, events: work.filter((item) => item.kind === 'event').length });
  return { batchItemFailures: [] };
}
