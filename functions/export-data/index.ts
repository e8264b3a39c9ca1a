/**
 * Data exports on a schedule: writes to the export bucket what `customers/data_request` queued.
 * It calls its one job directly rather than through the job registry, so its bundle carries the
 * S3 client and nothing the other jobs need.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { writeQueuedExports } from '../../shared/privacy/deferred-exports.ts';
import { S3ExportSink } from '../../shared/privacy/s3-export-sink.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';
import { createStore } from '../runtime/store.ts';

const store = createStore();
const bucket = new S3ExportSink(new S3Client({}), requiredEnv('EXPORT_BUCKET'));

export const handler = async (): Promise<Record<string, unknown>> => {
  const now = new Date();
  const result = { job: 'export-data', now: now.toISOString(), ...(await writeQueuedExports(store, bucket, now)) };
  logger.info('job finished', result);
  return result;
};
