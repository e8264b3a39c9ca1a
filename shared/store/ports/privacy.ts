/** The port of the privacy webhooks: data export requests, a member's records and redaction, shop erasure. */
import type { ExportRequest } from '../records.ts';

export interface PrivacyStore {
  /** Records a data request for the export job, once per request id. */
  queueExportRequest(request: ExportRequest, dueAt: string): Promise<void>;
  completeExportRequest(request: ExportRequest, location: string, at: string): Promise<void>;
  /** Every record in a member's partition (member, lots, ledger, messages, survey answers), as stored. */
  memberRecords(shop: string, customerId: string): Promise<Record<string, unknown>[]>;
  /** Removes the personal data from a member's messages and survey comments. */
  redactMemberRecords(shop: string, customerId: string): Promise<number>;
  /**
   * Deletes everything of a shop: members' partitions, survey answers and export requests of
   * customers who are not members, orders, coupons, figures, delivery ids, rate limits, program
   * versions, and the shop last. At most `maxItems` deletions per call; `done` false when it
   * stopped before the end. A call stopped anywhere (or killed) leaves the rest findable: calling
   * again goes on.
   */
  eraseShop(shop: string, options?: { maxItems?: number }): Promise<{ erased: number; done: boolean }>;
}
