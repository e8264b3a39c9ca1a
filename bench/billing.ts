/**
 * Capacity as DynamoDB bills it, computed from the items (DynamoDB Local reports transactions'
 * capacity wrongly), and the public prices the cost of a million orders is taken from.
 *
 * A write in a transaction costs 2 WRU per started KB of the item, the larger of its image before
 * and after the write; each index entry written costs 1 WRU per started KB of the entry. Two ways
 * to count the index entries:
 * - `naive`: one per index whose keys the written item carries, whatever was there before;
 * - `billed`: as DynamoDB writes them, from the images before and after. An item that enters or
 *   leaves an index writes one entry; one whose index keys change writes two (a delete and a put);
 *   one whose keys stay the same writes one only if an attribute the index projects changed
 *   (never for a KEYS_ONLY index), and none otherwise.
 */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../shared/store/dynamodb/table.ts';
import { itemSize, type CapturedTransaction, type Images } from './dynamodb-meter.ts';

type Item = Record<string, AttributeValue>;

/** Public us-east-1 prices (checked 2026-11-22), in USD. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
};

interface IndexShape {
  name: string;
  keys: [string, string];
  /** Attributes projected besides the table's and the index's keys; `all` for ALL. */
  projected: string[] | 'all';
}

/** The table's indexes as `table.ts` defines them (the CDK stack reads the same definition). */
export const INDEXES: IndexShape[] = (tableDefinition('bench').GlobalSecondaryIndexes ?? []).map((index) => ({
  name: index.IndexName!,
  keys: [index.KeySchema![0]!.AttributeName!, index.KeySchema![1]!.AttributeName!],
  projected: index.Projection?.ProjectionType === 'ALL' ? 'all' : index.Projection?.ProjectionType === 'INCLUDE' ? (index.Projection.NonKeyAttributes ?? []) : [],
}));

const inIndex = (item: Item | undefined, index: IndexShape): item is Item => item?.[index.keys[0]] !== undefined && item[index.keys[1]] !== undefined;
const same = (a: AttributeValue | undefined, b: AttributeValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

function entrySize(item: Item, index: IndexShape): number {
  const names = index.projected === 'all' ? Object.keys(item) : ['PK', 'SK', ...index.keys, ...index.projected];
  return itemSize(Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]!])));
}

/** Index write units of one item's write, from its images (`billed`). */
function billedIndexUnits({ before, after }: Images): number {
  let units = 0;
  for (const index of INDEXES) {
    const was = inIndex(before, index);
    const is = inIndex(after, index);
    if (!was && !is) continue;
    const kb = (item: Item) => Math.max(1, Math.ceil(entrySize(item, index) / 1024));
    if (was !== is) units += kb((is ? after : before)!);
    else if (index.keys.some((key) => !same(before![key], after![key]))) units += kb(before!) + kb(after!);
    else if ((index.projected === 'all' ? Object.keys({ ...before, ...after }) : index.projected).some((name) => !same(before![name], after![name]))) units += kb(after!);
  }
  return units;
}

/** Index write units as the naive count has them: one per index whose keys the written item carries. */
function naiveIndexUnits(written: Item | undefined): number {
  return INDEXES.filter((index) => inIndex(written, index)).length;
}

export interface BilledTransaction {
  /** Units with index entries counted from the images. */
  units: number;
  /** Units with one entry per index whose keys the written item carries. */
  naiveUnits: number;
  items: number;
  /** Billed units by the kind of item (its `entity`). */
  byKind: Record<string, number>;
  indexEntries: number;
  naiveIndexEntries: number;
}

const kindOf = (write: TransactWriteItem, images: Images): string =>
  images.after?.entity?.S ?? images.before?.entity?.S ?? write.Put?.Item?.entity?.S ?? (write.Update?.Key?.PK?.S ?? 'other').split('#')[0]!.toLowerCase();

/** What a captured transaction costs; it needs the images the meter reads in billing mode. */
export function billTransaction(captured: CapturedTransaction): BilledTransaction {
  const result: BilledTransaction = { units: 0, naiveUnits: 0, items: 0, byKind: {}, indexEntries: 0, naiveIndexEntries: 0 };
  const writes = captured.input.TransactItems ?? [];
  writes.forEach((write, i) => {
    const images = captured.images?.[i] ?? (write.Put?.Item ? { after: write.Put.Item } : {});
    const size = Math.max(images.before ? itemSize(images.before) : 0, images.after ? itemSize(images.after) : 0);
    const itemUnits = 2 * Math.max(1, Math.ceil(size / 1024));
    const written = write.Put?.Item ?? (write.ConditionCheck ? undefined : images.after);
    const index = write.ConditionCheck ? 0 : billedIndexUnits(images);
    const naiveIndex = naiveIndexUnits(written);
    // The naive count also takes the item as written, never the larger of the two images.
    const naiveSize = write.Put?.Item ? itemSize(write.Put.Item) : size;
    result.items++;
    result.units += itemUnits + index;
    result.naiveUnits += 2 * Math.max(1, Math.ceil(naiveSize / 1024)) + naiveIndex;
    result.indexEntries += index;
    result.naiveIndexEntries += naiveIndex;
    const kind = kindOf(write, images);
    result.byKind[kind] = (result.byKind[kind] ?? 0) + itemUnits + index;
  });
  return result;
}

/** The average of each field over several transactions. */
export function averageBill(bills: BilledTransaction[]): BilledTransaction {
  const n = Math.max(1, bills.length);
  const byKind: Record<string, number> = {};
  for (const bill of bills) for (const [kind, units] of Object.entries(bill.byKind)) byKind[kind] = (byKind[kind] ?? 0) + units / n;
  const mean = (field: 'units' | 'naiveUnits' | 'items' | 'indexEntries' | 'naiveIndexEntries') => bills.reduce((sum, bill) => sum + bill[field], 0) / n;
  return { units: mean('units'), naiveUnits: mean('naiveUnits'), items: mean('items'), byKind, indexEntries: mean('indexEntries'), naiveIndexEntries: mean('naiveIndexEntries') };
}

