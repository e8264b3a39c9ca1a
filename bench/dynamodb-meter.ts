/**
 * What the service asks of DynamoDB, counted on the client: calls per command, the capacity
 * DynamoDB reports (`ReturnConsumedCapacity: TOTAL` is set on every call that takes it), the
 * keys each BatchGetItem reads and the TransactWriteItems inputs themselves, so the benchmark can
 * replay them bare and price them as DynamoDB bills them.
 */
import type { AttributeValue, BatchGetItemCommandInput, DynamoDBClient, TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';

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

export interface MeterReport {
  calls: Record<string, number>;
  /** Capacity units as DynamoDB (Local) reported them, per command. */
  reported: Record<string, number>;
  /** The keys of every BatchGetItem, in `PK SK` form. */
  reads: string[][];
  transactions: TransactWriteItemsCommandInput[];
}

export class DynamoDbMeter {
  private calls = new Map<string, number>();
  private reported = new Map<string, number>();
  private reads: string[][] = [];
  private transactions: TransactWriteItemsCommandInput[] = [];
  capturing = false;

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        const input = args.input as Record<string, unknown>;
        if (METERED.has(name) && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
        this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
        if (this.capturing && name === 'TransactWriteItemsCommand') this.transactions.push(structuredClone(input) as unknown as TransactWriteItemsCommandInput);
        if (this.capturing && name === 'BatchGetItemCommand') {
          const request = (input as unknown as BatchGetItemCommandInput).RequestItems ?? {};
          this.reads.push(Object.values(request).flatMap((table) => (table.Keys ?? []).map((key) => `${key.PK?.S} ${key.SK?.S}`)));
        }
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        this.reported.set(name, (this.reported.get(name) ?? 0) + units);
        return result;
      },
      { step: 'initialize', name: 'benchDynamoDbMeter' },
    );
  }

  reset(capturing: boolean): void {
    this.calls.clear();
    this.reported.clear();
    this.reads = [];
    this.transactions = [];
    this.capturing = capturing;
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
