/**
 * The table's change stream, read locally: DynamoDB Local keeps a stream like DynamoDB's, and this
 * poller feeds its records to the same consumers the cloud's Lambdas run: the figures' aggregator
 * first, then any other (the outbound pipeline). `drain()` reads every shard up to now and applies
 * it, then lets each consumer finish what it queued (tests call it to wait for the figures and
 * metafields); `start()` polls.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, ExpiredIteratorException, GetRecordsCommand, GetShardIteratorCommand, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { Clock } from '../shared/clock.ts';
import { aggregate } from '../shared/kpis/aggregate.ts';
import type { FigureStore } from '../shared/store/ports.ts';
import { figureSourceOf, type StreamRecord } from '../shared/store/dynamodb/stream-records.ts';

/**
 * One more reader of the stream besides the figures: takes each batch of one shard's records in
 * order (and again after a failure: it must be idempotent per record), and may have work of its own
 * to finish at the end of every pass (`settle`: a local queue's due messages).
 */
export interface StreamConsumer {
  name: string;
  apply(records: StreamRecord[], now: Date): Promise<void>;
  settle?(now: Date): Promise<void>;
}

interface ShardState {
  iterator?: string;
  /** The last record applied: where to start again after a failure or an expired iterator. */
  applied?: string;
  closed: boolean;
}

export class LocalStreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly shards = new Map<string, ShardState>();
  private streamArn: string | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { client: DynamoDBClient; endpoint: string; tableName: string; store: Pick<FigureStore, 'applyFigures'>; clock: Clock; consumers?: StreamConsumer[] },
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 });
  }

  /** Reads every shard until nothing new is left, applying what it reads; one pass at a time. */
  drain(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Polls every `intervalMs` until `stop()`; a failed pass is logged and tried again. */
  start(intervalMs = 250, onError: (error: unknown) => void = (error) => console.error('stream: a pass failed (figures or outbound); tried again', error)): void {
    const tick = () => {
      this.timer = setTimeout(() => void this.drain().catch(onError).finally(() => this.timer && tick()), intervalMs);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.streams.destroy();
  }

  private async pass(): Promise<void> {
    this.streamArn ??= (await this.options.client.send(new DescribeTableCommand({ TableName: this.options.tableName }))).Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId && !this.shards.has(shard.ShardId)) this.shards.set(shard.ShardId, { closed: false });
    }
    for (const [shardId, state] of this.shards) if (!state.closed) await this.readShard(shardId, state);
    for (const consumer of this.options.consumers ?? []) await consumer.settle?.(this.options.clock());
  }

  private async readShard(shardId: string, state: ShardState): Promise<void> {
    for (;;) {
      state.iterator ??= await this.iteratorFor(shardId, state.applied);
      let answer;
      try {
        answer = await this.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException)) throw error;
        state.iterator = undefined;
        continue;
      }
      const records = (answer.Records ?? []) as StreamRecord[];
      if (records.length) {
        const run = await aggregate(
          this.options.store,
          records.map((record) => ({ sequence: record.dynamodb!.SequenceNumber!, source: figureSourceOf(record) })),
          this.options.clock(),
        );
        if (run.failedFrom) {
          // Start again from the record that failed (the ones before it are applied and marked).
          const index = records.findIndex((record) => record.dynamodb?.SequenceNumber === run.failedFrom);
          state.applied = index > 0 ? records[index - 1]!.dynamodb!.SequenceNumber! : state.applied;
          state.iterator = undefined;
          throw run.error ?? new Error('figures: stream pass stopped');
        }
        // The other consumers after the figures; a failure starts the batch again for all (each is idempotent).
        for (const consumer of this.options.consumers ?? []) {
          try {
            await consumer.apply(records, this.options.clock());
          } catch (error) {
            state.iterator = undefined;
            throw new Error(`${consumer.name}: stream batch failed`, { cause: error });
          }
        }
        state.applied = records.at(-1)!.dynamodb!.SequenceNumber!;
      }
      if (!answer.NextShardIterator) {
        state.closed = true;
        return;
      }
      state.iterator = answer.NextShardIterator;
      if (records.length === 0) return;
    }
  }

  private async iteratorFor(shardId: string, applied: string | undefined): Promise<string> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn!,
        ShardId: shardId,
        ...(applied ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: applied } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
    return ShardIterator;
  }
}
