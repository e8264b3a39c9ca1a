/**
 * The outbound work queue in the cloud: work items as SQS messages (`SendMessageBatch`, ten a
 * call), sent now by the stream consumer, or delayed (up to SQS's 15 minutes) by the sender for a
 * member sync deferred to its window's end.
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { workMessageBody, type OutboundWork } from './outbound-work.ts';

/** SQS's limits: ten entries a batch, a delay of at most 900 seconds, a visibility of at most 12 hours. */
const BATCH = 10;
const MAX_DELAY_SECONDS = 900;
const MAX_VISIBILITY_SECONDS = 43_200;

export class SqsWorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Sends every item (each with its own delay in seconds, 0 by default); answers the items SQS did
   * not take after a second try.
   */
  async send(items: readonly { work: OutboundWork; delaySeconds?: number }[]): Promise<OutboundWork[]> {
    const notSent: OutboundWork[] = [];
    for (let start = 0; start < items.length; start += BATCH) {
      let batch = items.slice(start, start + BATCH);
      for (let attempt = 0; attempt < 2 && batch.length; attempt++) {
        const answer = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map(({ work, delaySeconds }, index) => ({
              Id: String(index),
              MessageBody: workMessageBody(work),
              ...(delaySeconds ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))) } : {}),
            })),
          }),
        );
        const failed = new Set((answer.Failed ?? []).map(({ Id }) => Number(Id)));
        batch = batch.filter((_, index) => failed.has(index));
      }
      notSent.push(...batch.map(({ work }) => work));
    }
    return notSent;
  }

  /** Keeps a failed message away for `seconds` (a throttled shop's wait) instead of the queue's visibility timeout. */
  async returnLater(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds))) }),
    );
  }
}
