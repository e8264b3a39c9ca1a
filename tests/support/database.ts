/** A fresh table in the run's DynamoDB Local, per test file (or per test, where isolation matters). */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { localClient } from '../../local/dynamodb-local.ts';
import { DynamoDbStore } from '../../shared/store/dynamodb/dynamodb-store.ts';
import { ensureTable } from '../../shared/store/dynamodb/table.ts';

export async function freshTable() {
  const endpoint = inject('dynamodbEndpoint');
  const client = localClient(endpoint);
  const tableName = `loyalty-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { endpoint, client, tableName, store: new DynamoDbStore(client, tableName) };
}
