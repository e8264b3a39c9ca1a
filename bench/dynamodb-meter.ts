/**
 * What the service asks of DynamoDB, counted on the client: calls per command, the capacity
 * DynamoDB reports (`ReturnConsumedCapacity: TOTAL` is set on every call that takes it), the
 * keys each BatchGetItem reads and the TransactWriteItems themselves (with how long each took),
 * so the benchmark can replay them bare and price them as DynamoDB bills them.
 *
 * In billing mode the meter also reads, through a client of its own, every item a transaction
 * writes just before and just after it: DynamoDB bills a write by the larger of the two images,
 * and writes an index entry only where they differ (`billing.ts`). Those reads are outside the
 * time it records.
 */
import { BatchGetItemCommand, type AttributeValue, type BatchGetItemCommandInput, type DynamoDBClient, type TransactWriteItem, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';

/** Commands whose input takes `ReturnConsumedCapacity`. */
const METERED = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

type Item = Record<string, AttributeValue>;

/** One written item as it was before its transaction and as it is after (absent: no item). */
export interface Images {
  before?: Item;
  after?: Item;
}

export interface CapturedTransaction {
  input: TransactWriteItemsCommandInput;
  /** Time of the call alone. */
  ms: number;
  /** Who wrote it: the figures' aggregator (its batch carries a `FIGURES#` mark) or an event. */
  by: 'figures' | 'event';
  /** Refused (a condition, a conflict): written nothing. */
  failed: boolean;
  /** Billing mode only: one entry per `TransactItems` entry. */
  images?: Images[];
}

export interface MeterReport {
  calls: Record<string, number>;
  /** Capacity units as DynamoDB (Local) reported them, per command. */
  reported: Record<string, number>;
  /** The keys of every BatchGetItem, in `PK SK` form. */
  reads: string[][];
  transactions: CapturedTransaction[];
}

export interface MeterMode {
  capturing: boolean;
  billing?: boolean;
}

const keyOf = (write: TransactWriteItem): { table: string; key: Item } | undefined => {
  if (write.Put) return { table: write.Put.TableName!, key: { PK: write.Put.Item!.PK!, SK: write.Put.Item!.SK! } };
  const other = write.Update ?? write.Delete ?? write.ConditionCheck;
  return other ? { table: other.TableName!, key: other.Key! } : undefined;
};

const keyText = (key: Item) => `${key.PK?.S} ${key.SK?.S}`;

export class DynamoDbMeter {
  private calls = new Map<string, number>();
  private reported = new Map<string, number>();
  private reads: string[][] = [];
  private transactions: CapturedTransaction[] = [];
  private mode: MeterMode = { capturing: false };

  /** `images`: an unmetered client for the billing mode's reads. */
  constructor(client: DynamoDBClient, private readonly images?: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        const input = args.input as Record<string, unknown>;
        if (METERED.has(name) && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
        const capture = this.mode.capturing && name === 'TransactWriteItemsCommand';
        if (this.mode.capturing && name === 'BatchGetItemCommand') {
          const request = (input as unknown as BatchGetItemCommandInput).RequestItems ?? {};
          this.reads.push(Object.values(request).flatMap((table) => (table.Keys ?? []).map(keyText)));
        }
        const transaction = capture ? (structuredClone(input) as unknown as TransactWriteItemsCommandInput) : undefined;
        const billing = transaction && this.mode.billing && this.images;
        const before = billing ? await this.readImages(transaction) : undefined;
        const t0 = performance.now();
        let result;
        try {
          result = await next(args);
        } catch (error) {
          if (transaction) this.transactions.push({ input: transaction, ms: performance.now() - t0, by: byOf(transaction), failed: true });
          throw error;
        }
        const ms = performance.now() - t0;
        if (transaction) {
          const after = before ? await this.readImages(transaction) : undefined;
          this.transactions.push({
            input: transaction,
            ms,
            by: byOf(transaction),
            failed: false,
            ...(before && after ? { images: before.map((was, i) => ({ ...(was ? { before: was } : {}), ...(after[i] ? { after: after[i] } : {}) })) } : {}),
          });
        }
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        this.reported.set(name, (this.reported.get(name) ?? 0) + units);
        return result;
      },
      { step: 'initialize', name: 'benchDynamoDbMeter' },
    );
  }

  /** The items a transaction writes, as they are now, in its order (undefined: none). */
  private async readImages(input: TransactWriteItemsCommandInput): Promise<(Item | undefined)[]> {
    const writes = (input.TransactItems ?? []).map(keyOf);
    const found = new Map<string, Item>();
    const byTable = new Map<string, Item[]>();
    for (const write of writes) if (write) byTable.set(write.table, [...(byTable.get(write.table) ?? []), write.key]);
    for (const [table, keys] of byTable) {
      let pending: Item[] = keys;
      while (pending.length) {
        const answer = await this.images!.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of answer.Responses?.[table] ?? []) found.set(`${table} ${keyText(item)}`, item);
        pending = answer.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }
    return writes.map((write) => (write ? found.get(`${write.table} ${keyText(write.key)}`) : undefined));
  }

  reset(mode: MeterMode): void {
    this.calls.clear();
    this.reported.clear();
    this.reads = [];
    this.transactions = [];
    this.mode = mode;
  }

  report(): MeterReport {
    return {
      calls: Object.fromEntries(this.calls),
      reported: Object.fromEntries(this.reported),
      reads: this.reads,
      transactions: this.transactions,
    };
  }
}

function byOf(input: TransactWriteItemsCommandInput): CapturedTransaction['by'] {
  return (input.TransactItems ?? []).some((write) => write.Put?.Item?.PK?.S?.startsWith('FIGURES#')) ? 'figures' : 'event';
}

/** A DynamoDB number's stored size: about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** An attribute value's size as DynamoDB counts it ("Item sizes and formats" in its guide). */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + 1 + valueSize(v), 0);
  return 0;
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}
