/** The DynamoDB store, created once per container; `DYNAMODB_ENDPOINT` points elsewhere in tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from '../../shared/store/dynamodb/dynamodb-store.ts';
import { requiredEnv } from './logger.ts';

export function createStore(): DynamoDbStore {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(endpoint ? { endpoint } : {});
  return new DynamoDbStore(client, requiredEnv('TABLE_NAME'));
}
