/** The DynamoDB store, created once per container; `DYNAMODB_ENDPOINT` points elsewhere in tests. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbAccessTokenStore } from '../../shared/store/dynamodb/access-tokens.ts';
import { DynamoDbStore } from '../../shared/store/dynamodb/dynamodb-store.ts';
import { requiredEnv } from './logger.ts';

let shared: { client: DynamoDBClient; endpoint: string | undefined } | undefined;

/** One DynamoDB client per container, shared by every adapter over the table. */
export function dynamoDbClient(): DynamoDBClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!shared || shared.endpoint !== endpoint) shared = { client: new DynamoDBClient(endpoint ? { endpoint } : {}), endpoint };
  return shared.client;
}

export function createStore(): DynamoDbStore {
  return new DynamoDbStore(dynamoDbClient(), requiredEnv('TABLE_NAME'));
}

/** The shops' token items (sealed tokens: reading them opens nothing). */
export function createAccessTokenStore(): DynamoDbAccessTokenStore {
  return new DynamoDbAccessTokenStore(dynamoDbClient(), requiredEnv('TABLE_NAME'));
}
