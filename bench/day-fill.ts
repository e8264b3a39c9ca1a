/**
 * Filling one shop's day with orders, fast: no HTTP and no transactions, but items in exactly the
 * shape the store writes (the builders of `items.ts`), cloned from one order the app itself
 * processed, under new customer and order ids, and written with BatchWriteItem. DynamoDB Local's
 * stream carries them to the figures like any other write.
 */
import { BatchWriteItemCommand, GetItemCommand, QueryCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry, Lot, Member, Order } from '../shared/ledger/types.ts';
import { orderLotId } from '../shared/earning/orders.ts';
import { ledgerItem, lotItem, memberItem, orderItem, toLedgerEntry, toLot, toMember, toOrder, type Item } from '../shared/store/dynamodb/items.ts';
import { LEDGER_PREFIX, lotKey, memberKey, memberPartition, orderKey } from '../shared/store/dynamodb/keys.ts';

/** What one orders/paid of a new customer stored: the member, the order, the lot, the ledger entry. */
export interface OrderTemplate {
  shop: string;
  customerId: string;
  orderId: string;
  member: Member;
  order: Order;
  lot: Lot;
  entry: LedgerEntry;
}

export async function readTemplate(client: DynamoDBClient, table: string, shop: string, customerId: string, orderId: string): Promise<OrderTemplate> {
  const get = async (key: { PK: string; SK: string }) => {
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: marshall(key), ConsistentRead: true }));
    if (!Item) throw new Error(`bench: no item ${key.PK} ${key.SK} to copy`);
    return Item;
  };
  const { Items } = await client.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ledger)', ExpressionAttributeValues: marshall({ ':pk': memberPartition(shop, customerId), ':ledger': LEDGER_PREFIX }) }),
  );
  if (!Items?.[0]) throw new Error(`bench: no ledger entry of ${customerId} to copy`);
  return {
    shop,
    customerId,
    orderId,
    member: toMember(await get(memberKey(shop, customerId))),
    order: toOrder(await get(orderKey(shop, orderId))),
    lot: toLot(await get(lotKey(shop, customerId, orderLotId(orderId)))),
    entry: toLedgerEntry(Items[0]),
  };
}

/** The template's records under another customer and order: ids swapped wherever they appear. */
function cloneOf(template: OrderTemplate, customerId: string, orderId: string): Item[] {
  const customer = new RegExp(`(?<![0-9])${template.customerId}(?![0-9])`, 'g');
  const swap = <T>(record: T): T => JSON.parse(JSON.stringify(record).replaceAll(template.orderId, orderId).replace(customer, customerId)) as T;
  const member = swap(template.member);
  const order = swap(template.order);
  return [memberItem(member, member.rev), orderItem(order, order.rev), lotItem(template.shop, customerId, swap(template.lot)), ledgerItem(template.shop, customerId, swap(template.entry))];
}

/**
 * Writes `count` orders of new customers like the template's (customer ids from `firstCustomer`,
 * order ids from `firstOrder`), `concurrency` BatchWriteItem calls at a time.
 */
export async function fillDay(client: DynamoDBClient, table: string, template: OrderTemplate, count: number, ids: { firstCustomer: number; firstOrder: number }, concurrency = 8): Promise<{ items: number; seconds: number }> {
  const started = performance.now();
  let next = 0;
  let items = 0;
  const ORDERS_PER_CALL = 6; // 24 items: BatchWriteItem takes 25
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + ORDERS_PER_CALL);
        let requests: WriteRequest[] = [];
        for (let i = from; i < next; i++) {
          for (const Item of cloneOf(template, String(ids.firstCustomer + i), String(ids.firstOrder + i))) requests.push({ PutRequest: { Item } });
        }
        items += requests.length;
        for (let attempt = 0; requests.length; attempt++) {
          if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
          requests = answer.UnprocessedItems?.[table] ?? [];
        }
      }
    }),
  );
  return { items, seconds: (performance.now() - started) / 1000 };
}
