/**
 * Exports deferred: the webhook processor records the request (once per request id) and answers;
 * the `export-data` job builds the document and hands it to the real sink (S3), then marks the
 * request done. So a large export never holds up webhook processing, the processor needs no S3
 * client, and an export that fails is simply tried again by the next run.
 */
import type { LoyaltyStore, PrivacyStore } from '../store/ports.ts';
import { buildCustomerExport, exportName, type DataExportSink, type ExportRequest } from './privacy.ts';

export class DeferredExportSink implements DataExportSink {
  constructor(
    private readonly store: PrivacyStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async export(request: ExportRequest): Promise<string> {
    await this.store.queueExportRequest(request, this.clock().toISOString());
    return `queued:${exportName(request)}`;
  }
}

/** The `export-data` job. */
export async function writeQueuedExports(store: LoyaltyStore, sink: DataExportSink, now: Date, limit = 50) {
  let written = 0;
  let failed = 0;
  for (const request of await store.dueExportRequests(now.toISOString(), limit)) {
    try {
      const location = await sink.export(request, () => buildCustomerExport(store, request, now));
      await store.completeExportRequest(request, location, now.toISOString());
      written++;
    } catch {
      failed++; // still due: the next run tries again
    }
  }
  return { written, failed };
}
