/**
 * `npm start`: the port, DynamoDB Local, the table, and the service on http://127.0.0.1:PORT.
 *
 * The port is taken first, so a port in use costs one line and starts no Java. Once DynamoDB Local
 * runs, every way out stops it: SIGINT, SIGTERM or SIGHUP (npm forwards the first two to this
 * process: the script `exec`s node, so no shell stands between to swallow them), the end of the
 * parent process, and any error (the `exit` hook of dynamodb-local.ts).
 */
import './sdk-notice.ts';
import { createAdaptorServer } from '@hono/node-server';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureTable } from '../shared/store/dynamodb/table.ts';
import { loadConfig } from './config.ts';
import { JavaMissingError, localClient, startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.ts';
import { LocalOutbox } from './outbox.ts';
import { createLocalApp } from './server.ts';

/** A start-up failure the user fixes from its one-line message: no stack trace. */
class StartError extends Error {}

type Fetch = (request: Request) => Response | Promise<Response>;

/** Until the app is ready, the bound port answers 503, never a half-started service. */
const starting: Fetch = () =>
  new Response(JSON.stringify({ type: 'https://loyalty.dev/problems/starting', title: 'Starting', status: 503, detail: 'the service is starting; try again in a moment' }), {
    status: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
  });

/** Binds 127.0.0.1:port, or says in one line why it cannot. */
function listen(server: ReturnType<typeof createAdaptorServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartError(`port ${port} is in use: set PORT to another port (for example PORT=${port === 65535 ? 3000 : port + 1})`));
      else if (error.code === 'EACCES') reject(new StartError(`port ${port} needs privileges this user lacks: set PORT to a port above 1023`));
      else reject(new StartError(`cannot listen on 127.0.0.1:${port}: ${error.message}`));
    });
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Calls `onGone` when the process that started this one ends, even by SIGKILL (npm killed
 * outright passes nothing on): this process is then re-parented, so its parent id changes.
 */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && onGone(), 500).unref();
}

let stopping: Promise<never> | undefined;
let database: RunningDynamoDb | undefined;
let client: DynamoDBClient | undefined;
let server: ReturnType<typeof createAdaptorServer> | undefined;
let figures: { stop(): void } | undefined;

/** Stops what was started, DynamoDB Local last, then exits; once, whoever asks first. */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    server?.close();
    figures?.stop();
    client?.destroy();
    await database?.stop();
    process.exit(code);
  })();
  return stopping;
}

async function main() {
  // `on`, not `once`: a second Ctrl-C while stopping must not kill this process before Java.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  watchParent(() => void stop(0));

  const config = loadConfig();
  let fetch: Fetch = starting;
  server = createAdaptorServer({ fetch: (request) => fetch(request) });
  const port = await listen(server, config.port);

  let endpoint = config.dynamodbEndpoint;
  if (!endpoint) {
    database = await startDynamoDbLocal(config.inMemory ? {} : { dataDir: config.dataDir });
    endpoint = database.endpoint;
  }
  client = localClient(endpoint);
  await ensureTable(client, config.tableName);
  const { app, stream } = createLocalApp({
    client,
    endpoint,
    tableName: config.tableName,
    secrets: { apiSecret: config.apiSecret, apiKey: config.apiKey },
    clock: config.clock,
    publicBaseUrl: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${port}`,
    outbox: new LocalOutbox(config.inMemory ? undefined : join(config.dataDir, 'outbox.jsonl'), config.clock),
  });
  fetch = app.fetch;
  // Figures appear within about a second of the change that moves them.
  stream.start(250);
  figures = stream;

  const where = config.dynamodbEndpoint ? endpoint : config.inMemory ? 'DynamoDB Local, in memory' : `DynamoDB Local, data in ${config.dataDir}`;
  const portHint = port === 3000 ? '' : ` -- --port ${port}`;
  process.stdout.write(
    [
      `loyalty service listening on http://127.0.0.1:${port}`,
      `  database:           ${where}`,
      `  SHOPIFY_API_SECRET: ${config.apiSecret}${process.env.SHOPIFY_API_SECRET ? ' (from the environment)' : ' (development value)'}`,
      `  SHOPIFY_API_KEY:    ${config.apiKey}${process.env.SHOPIFY_API_KEY ? ' (from the environment)' : ' (development value)'}`,
      ...(config.nowFixed ? [`  clock fixed at:     ${config.nowFixed} (LOYALTY_NOW)`] : []),
      `  try: npm run send-sample-webhook${portHint}`,
      `  store owner's admin, with a development session token: http://127.0.0.1:${port}/app?shop=demo-shop.myshopify.com&dev-session=1`,
      '',
    ].join('\n'),
  );
}

main().catch(async (error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof StartError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`loyalty service failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  await stop(1);
});
