/**
 * The outbound pipeline, locally: what the cloud splits into a stream consumer, an SQS queue and a
 * sender Lambda runs here in one process. The stream poller hands each batch of records to
 * `apply` (records → work, coalesced), and at the end of every pass `settle` sends the work that
 * is due, through the same sender core, to Shopify at `SHOPIFY_ADMIN_URL`. Like SQS, a message that
 * failed comes back after its delay, a deferred sync is sent again at its window's end, and a
 * message that keeps failing is given up (logged) after `MAX_RECEIVES`, as the dead-letter queue
 * would take it. Times are the app's clock, so tests move them with `setNow`.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Shop } from '../shared/store/records.ts';
import { outboundSourceOf, type StreamRecord } from '../shared/store/dynamodb/stream-records.ts';
import { sendOutbound, type OutboundSenderDeps } from '../shared/stream/outbound-sender.ts';
import { workOfChanges, type OutboundWork } from '../shared/stream/outbound-work.ts';
import type { StreamConsumer } from './stream-poller.ts';

/** As the cloud queue's redrive policy: a message received this many times goes to the dead letters. */
export const MAX_RECEIVES = 10;
/** Messages per sender call, as the SQS event source's batch size. */
const BATCH_SIZE = 10;

interface QueuedWork {
  id: string;
  work: OutboundWork;
  visibleAt: number;
  receives: number;
}

export class LocalOutboundQueue implements StreamConsumer {
  readonly name = 'outbound';
  private queued: QueuedWork[] = [];
  /** Given up after `MAX_RECEIVES`, newest last. */
  readonly deadLetters: OutboundWork[] = [];

  constructor(
    private readonly deps: OutboundSenderDeps & { getShop: (shop: string) => Promise<Shop | undefined> },
    private readonly clock: Clock,
  ) {}

  async apply(records: StreamRecord[]): Promise<void> {
    const sources = records.map((record) => {
      try {
        return outboundSourceOf(record);
      } catch (error) {
        this.deps.log.error('outbound: a stream record could not be read; it sends nothing', { sequence: record.dynamodb?.SequenceNumber, error: String(error) });
        return undefined;
      }
    });
    const now = this.clock().getTime();
    const onEventsError = (source: { kind: string; shop: string }, error: unknown) => this.deps.log.error('outbound: the events of a change could not be derived; none sent for it', { kind: source.kind, shop: source.shop, error: String(error) });
    for (const work of await workOfChanges(sources, this.deps.getShop, onEventsError)) this.queued.push({ id: randomUUID(), work, visibleAt: now, receives: 0 });
  }

  /** Sends every message due now, batch after batch, until none is left that is due. */
  async settle(): Promise<void> {
    for (;;) {
      const now = this.clock();
      const due = this.queued.filter((message) => message.visibleAt <= now.getTime()).slice(0, BATCH_SIZE);
      if (!due.length) return;
      this.queued = this.queued.filter((message) => !due.includes(message));
      const result = await sendOutbound(due.map(({ id, work }) => ({ id, work })), this.deps, now);
      for (const failure of result.failed) {
        const message = due.find(({ id }) => id === failure.id)!;
        message.receives += 1;
        if (message.receives >= MAX_RECEIVES) {
          this.deps.log.error('outbound: a message failed too often; given up (the dead-letter queue, in the cloud)', { work: message.work, reason: failure.reason });
          this.deadLetters.push(message.work);
          continue;
        }
        this.queued.push({ ...message, visibleAt: now.getTime() + Math.max(1_000, failure.afterMs) });
      }
      for (const deferred of result.deferred) this.queued.push({ id: randomUUID(), work: deferred.work, visibleAt: new Date(deferred.until).getTime(), receives: 0 });
    }
  }

  /** Messages waiting (due or not): what a test expects to be sent later. */
  pending(): OutboundWork[] {
    return this.queued.map(({ work }) => work);
  }
}
