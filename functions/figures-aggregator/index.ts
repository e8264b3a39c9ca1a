/**
 * The figures' aggregator on Lambda: the table's DynamoDB Stream, in batches of one shard's records
 * in order. Each batch of records is applied with its mark (`shared/kpis/aggregate.ts`), so a
 * redelivered batch applies nothing twice. A failure is reported as the first record not applied
 * (`ReportBatchItemFailures`): Lambda retries from there. The run stops on its own well before the
 * function's timeout, so a half-applied batch is never cut and bisected.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { aggregate } from '../../shared/kpis/aggregate.ts';
import { figureSourceOf, type StreamRecord } from '../../shared/store/dynamodb/stream-records.ts';
import { logger } from '../runtime/logger.ts';
import { createStore } from '../runtime/store.ts';

const store = createStore();
/** Time left when the run stops and hands the rest back to Lambda. */
const SAFETY_MS = 10_000;

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.flatMap((record) => {
    const sequence = record.dynamodb?.SequenceNumber;
    if (!sequence) return [];
    try {
      return [{ sequence, source: figureSourceOf(record as StreamRecord) }];
    } catch (error) {
      // A record the figures cannot read would stop the shard for good: counted as nothing, and said.
      logger.error('figures: a stream record could not be read; it moves no figure', { sequence, eventName: record.eventName, error });
      return [{ sequence }];
    }
  });
  const run = await aggregate(store, changes, new Date(), () => context.getRemainingTimeInMillis() > SAFETY_MS);
  if (run.failedFrom) {
    logger.warn('figures: batch not fully applied; Lambda retries from the first record left', { failedFrom: run.failedFrom, applied: run.applied, skipped: run.skipped, error: run.error });
    return { batchItemFailures: [{ itemIdentifier: run.failedFrom }] };
  }
  logger.info('figures applied', { records: run.records, applied: run.applied, skipped: run.skipped });
  return { batchItemFailures: [] };
}
