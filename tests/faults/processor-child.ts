/**
 * The webhook processor Lambda in a process of its own, fed one SQS event (JSON, the first
 * argument), so that a test can kill it mid-way as Lambda kills a function that times out or
 * runs out of memory. The environment names the table and the DynamoDB endpoint.
 */
import type { Context, SQSEvent } from 'aws-lambda';

const { handler } = await import('../../functions/webhook-processor/index.ts');
const event = JSON.parse(process.argv[2] ?? '{"Records":[]}') as SQSEvent;
const context = { functionName: 'processor-child', awsRequestId: 'child', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const result = await handler(event, context);
process.stdout.write(`${JSON.stringify(result)}\n`);
