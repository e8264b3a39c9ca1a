/**
 * Paged queries and batched reads, written once for every adapter of the table: a Query followed
 * through `LastEvaluatedKey`, and BatchGetItem in chunks of 100 keys with its unprocessed keys
 * asked again after a growing pause.
 */
import { BatchGetItemCommand, QueryCommand, type DynamoDBClient, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Item } from './items.ts';

/** The most keys one BatchGetItem may ask for. */
const BATCH_GET_LIMIT = 100;

/** Waits before asking again what DynamoDB left unprocessed: 40 ms, 80 ms, … up to a second. */
export async function pauseBeforeRetry(attempt: number): Promise<void> {
  if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
}

/** The pages of a query, one at a time; stop early by leaving the loop. */
export async function* queryPages(client: DynamoDBClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const answer = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield answer.Items ?? [];
    start = answer.LastEvaluatedKey;
  } while (start);
}

/** Every item a query finds, all pages. */
export async function queryAll(client: DynamoDBClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(client, input)) items.push(...page);
  return items;
}

/** The items of these keys that exist, read consistently, in chunks of 100 (in no particular order within a chunk). */
export async function batchGet(client: DynamoDBClient, tableName: string, keys: { PK: string; SK: string }[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending = keys.slice(i, i + BATCH_GET_LIMIT).map((key) => marshall(key));
    for (let attempt = 0; pending.length > 0; attempt++) {
      await pauseBeforeRetry(attempt);
      const answer = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      found.push(...(answer.Responses?.[tableName] ?? []));
      pending = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return found;
}
