/**
 * The webhook processor (the Lambda behind the SQS queue) killed at the worst moments. SQS keeps
 * a message until the processor acknowledges it, and delivers it again after the visibility
 * timeout; so whatever the processor did before it died, the redelivery must finish the job
 * once. The kills are real: the processor runs in a child process and gets SIGKILL while its
 * write to DynamoDB is held by the fault proxy, before or after DynamoDB applied it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshTable } from '../support/database.ts';
import { paidOrder } from '../support/fixtures.ts';
import { captureLogs, failuresLoggedFor, type LogLine } from './captured-logs.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

const SHOP = 'killed.myshopify.com';
const CHILD = fileURLToPath(new URL('./processor-child.ts', import.meta.url));
const context = { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

let table: Awaited<ReturnType<typeof freshTable>>;
let proxy: FaultProxy;
let logs: { lines: LogLine[]; restore: () => void };
let processor: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const environment = () => ({
  TABLE_NAME: table.tableName,
  DYNAMODB_ENDPOINT: proxy.endpoint,
  EXPORT_BUCKET: 'exports',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
});

beforeAll(async () => {
  table = await freshTable();
  proxy = await startFaultProxy(table.endpoint);
  logs = captureLogs();
  for (const [name, value] of Object.entries(environment())) vi.stubEnv(name, value);
  processor = (await import('../../functions/webhook-processor/index.ts')).handler;
});
afterAll(async () => {
  logs.restore();
  await proxy.close();
});

/** An SQS record as the receiver queues a verified `orders/paid`. */
function paidMessage(orderId: number, customerId: number, messageId = `message-${orderId}`): SQSRecord {
  const attribute = (value: string) => ({ dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] });
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(paidOrder({ id: orderId, customerId, subtotal: '25.00', at: '2026-02-20T10:00:00Z' })),
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: { shop: attribute(SHOP), topic: attribute('orders/paid'), webhookId: attribute(`webhook-${orderId}`), eventId: attribute(`event-${orderId}`) },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:webhooks',
    awsRegion: 'us-east-1',
  };
}

async function standing(customerId: string) {
  const member = await table.store.getMember(SHOP, customerId);
  const ledger = (await table.store.ledger(SHOP, customerId, { limit: 100 })).items;
  return { balance: member?.balance, entries: ledger.map((entry) => `${entry.type} ${entry.points}`) };
}

/** Runs the processor in a child process and kills it (SIGKILL) as soon as the proxy holds its write. */
async function killedWhileWriting(record: SQSRecord, hold: 'hold-before' | 'hold-after'): Promise<NodeJS.Signals | null> {
  proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? hold : undefined);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ Records: [record] })], {
    env: { ...process.env, ...environment(), POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const held = new Promise<void>((resolve) => (proxy.onHold = () => resolve()));
  const first = await Promise.race([held.then(() => 'held' as const), exited.then(() => 'exited' as const)]);
  if (first !== 'held') throw new Error(`the processor finished before its write was held:\n${output}`);
  child.kill('SIGKILL');
  const signal = await exited;
  proxy.plan = () => undefined;
  proxy.onHold = undefined;
  return signal;
}

describe('a killed webhook processor', () => {
  it('changes nothing when SQS redelivers a message it processed but did not acknowledge', async () => {
    const record = paidMessage(101, 6001);
    expect(await processor({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    // Died before the batch answer reached SQS: the message comes back after the visibility timeout.
    expect(await processor({ Records: [record, { ...record, messageId: 'message-101-again' }] }, context)).toEqual({ batchItemFailures: [] });
    expect(await standing('6001')).toEqual({ balance: 25, entries: ['earn 25'] });
  });

  it('applies the redelivered message once when the processor was killed before its write reached DynamoDB', async () => {
    const record = paidMessage(102, 6002);
    expect(await killedWhileWriting(record, 'hold-before')).toBe('SIGKILL');
    expect(await standing('6002')).toEqual({ balance: undefined, entries: [] });
    expect(await processor({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(await standing('6002')).toEqual({ balance: 25, entries: ['earn 25'] });
  }, 60_000);

  it('applies nothing twice when the processor was killed after DynamoDB applied its write', async () => {
    const record = paidMessage(103, 6003);
    expect(await killedWhileWriting(record, 'hold-after')).toBe('SIGKILL');
    expect(await standing('6003')).toEqual({ balance: 25, entries: ['earn 25'] });
    expect(await processor({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(await standing('6003')).toEqual({ balance: 25, entries: ['earn 25'] });
  }, 60_000);

  it('reports a message whose write kept failing for SQS to retry, logs it, and the retry applies it once', async () => {
    const [failing, healthy] = [paidMessage(104, 6004), paidMessage(105, 6005)];
    const before = logs.lines.length;
    let writes = 0;
    // The first try of order 104's write reaches DynamoDB and its answer is lost; every retry of
    // the SDK is cut off. Order 105, in the same batch, goes through.
    proxy.plan = (call) =>
      call.operation === 'TransactWriteItems' && JSON.stringify(call.body).includes(`"ORDER#104"`) ? (++writes === 1 ? 'drop-after' : 'drop-before') : undefined;
    expect(await processor({ Records: [failing, healthy] }, context)).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    expect(writes).toBeGreaterThan(1);
    expect(failuresLoggedFor(logs.lines.slice(before), 'webhook-104')).toHaveLength(1);
    proxy.plan = () => undefined;
    expect(await processor({ Records: [failing] }, context)).toEqual({ batchItemFailures: [] });
    expect(await standing('6004')).toEqual({ balance: 25, entries: ['earn 25'] });
    expect(await standing('6005')).toEqual({ balance: 25, entries: ['earn 25'] });
  });

  it('fails the whole invocation (Lambda’s Errors metric) when every message of a batch fails', async () => {
    const record = paidMessage(106, 6006);
    proxy.plan = (call) => (call.operation === 'TransactWriteItems' ? 'drop-before' : undefined);
    await expect(processor({ Records: [record] }, context)).rejects.toThrow(/All records failed/);
    proxy.plan = () => undefined;
    expect(await processor({ Records: [record] }, context)).toEqual({ batchItemFailures: [] });
    expect(await standing('6006')).toEqual({ balance: 25, entries: ['earn 25'] });
  });
});
