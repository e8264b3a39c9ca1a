/**
 * The local server as `npm start` runs it (the same hono app, processing webhooks inline, and the
 * figures' stream poller reading DynamoDB Local's stream every 250 ms), in a process of its own
 * for `bench/webhooks.ts`, which drives it over loopback. Its DynamoDB client carries the meter;
 * the parent asks for the meter's figures over the IPC channel.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { serve } from '@hono/node-server';
import { systemClock } from '../shared/clock.ts';
import { createLocalApp } from '../local/server.ts';
import { localClient } from '../local/dynamodb-local.ts';
import { DynamoDbMeter, type MeterMode } from './dynamodb-meter.ts';

export type ServerMessage = { type: 'ready'; port: number } | { type: 'reset-done' } | ({ type: 'report' } & ReturnType<DynamoDbMeter['report']>);
export type ParentMessage = ({ type: 'reset' } & MeterMode) | { type: 'report' } | { type: 'stop' };

const endpoint = process.env.BENCH_DYNAMODB_ENDPOINT;
const tableName = process.env.BENCH_TABLE;
if (!endpoint || !tableName || !process.send) throw new Error('bench/webhook-server.ts is started by bench/webhooks.ts');
const send = (message: ServerMessage) => process.send!(message);

const client = localClient(endpoint);
const images = localClient(endpoint);
const meter = new DynamoDbMeter(client, images);
const { app, stream } = createLocalApp({
  client,
  endpoint,
  tableName,
  secrets: { apiSecret: process.env.BENCH_SECRET ?? 'bench-secret', apiKey: 'bench-key' },
  clock: systemClock,
  logger: new Logger({ serviceName: 'loyalty-bench', logLevel: 'SILENT' }),
  // No coupons are issued by orders/paid without tier rewards; nothing calls Shopify.
  discounts: { issue: async () => ({ kind: 'retry', afterMs: 60_000, reason: 'bench' }) },
  // The outbound pipeline (metafields, Flow, events) runs in two other functions in the cloud; here
  // its marker writes would be metered as the webhook's own.
  outbound: false,
});
stream.start(Number(process.env.BENCH_POLL_MS ?? 250));

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => send({ type: 'ready', port: info.port }));

process.on('message', (message: ParentMessage) => {
  if (message.type === 'reset') {
    meter.reset({ capturing: message.capturing, billing: message.billing ?? false });
    send({ type: 'reset-done' });
  } else if (message.type === 'report') {
    send({ type: 'report', ...meter.report() });
  } else {
    server.close();
    stream.stop();
    client.destroy();
    images.destroy();
    process.exit(0);
  }
});
