/** Starts DynamoDB Local once for the whole test run (in memory) and tells the test files where. */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const database = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', database.endpoint);
  return () => database.stop();
}
