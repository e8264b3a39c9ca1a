/** `npm start`: DynamoDB Local, the table, and the service on http://127.0.0.1:PORT. */
import { serve } from '@hono/node-server';
import { ensureTable } from '../shared/store/dynamodb/table.ts';
import { loadConfig } from './config.ts';
import { JavaMissingError, localClient, startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.ts';
import { join } from 'node:path';
import { LocalOutbox } from './outbox.ts';
import { createLocalApp } from './server.ts';

async function main() {
  const config = loadConfig();
  let database: RunningDynamoDb | undefined;
  let endpoint = config.dynamodbEndpoint;
  if (!endpoint) {
    database = await startDynamoDbLocal(config.inMemory ? {} : { dataDir: config.dataDir });
    endpoint = database.endpoint;
  }
  const client = localClient(endpoint);
  await ensureTable(client, config.tableName);
  const { app } = createLocalApp({
    client,
    tableName: config.tableName,
    secrets: { apiSecret: config.apiSecret, apiKey: config.apiKey },
    clock: config.clock,
    outbox: new LocalOutbox(config.inMemory ? undefined : join(config.dataDir, 'outbox.jsonl'), config.clock),
  });

  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: config.port }, (info) => {
    const where = config.dynamodbEndpoint ? endpoint : config.inMemory ? 'DynamoDB Local, in memory' : `DynamoDB Local, data in ${config.dataDir}`;
    process.stdout.write(
      [
        `loyalty service listening on http://127.0.0.1:${info.port}`,
        `  database:           ${where}`,
        `  SHOPIFY_API_SECRET: ${config.apiSecret}${process.env.SHOPIFY_API_SECRET ? ' (from the environment)' : ' (development value)'}`,
        `  SHOPIFY_API_KEY:    ${config.apiKey}${process.env.SHOPIFY_API_KEY ? ' (from the environment)' : ' (development value)'}`,
        ...(config.nowFixed ? [`  clock fixed at:     ${config.nowFixed} (LOYALTY_NOW)`] : []),
        '  try: npm run send-sample-webhook',
        '',
      ].join('\n'),
    );
  });

  const shutdown = async () => {
    server.close();
    client.destroy();
    await database?.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`loyalty service failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
