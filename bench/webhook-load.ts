/**
 * Driving the local server for `bench/webhooks.ts`: signed `orders/paid` deliveries as Shopify
 * sends them, the server (`webhook-server.ts`) in a child process with an IPC channel to its
 * meter, a driver that runs calls at a given concurrency and times each, and the receiver's own
 * work per webhook.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { createWebhookIntakeApp } from '../shared/http/app.ts';
import { systemClock } from '../shared/clock.ts';
import { signWebhook } from '../shared/shopify/webhook-signature.ts';
import type { ParentMessage, ServerMessage } from './webhook-server.ts';

/** The app secret the deliveries are signed with, and the server checks. */
export const SECRET = 'bench-secret';

export interface Measured {
  seconds: number;
  latencies: number[];
  failures: number;
}

export const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
export const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function summary(run: Measured) {
  const sorted = sortedOf(run.latencies);
  return { perSecond: run.latencies.length / run.seconds, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), failures: run.failures };
}

/** Runs `call` over `items`, `concurrency` at a time, timing each call. */
export async function drive<T>(items: T[], concurrency: number, call: (item: T) => Promise<boolean>): Promise<Measured> {
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
let orders = 9_000_000;

export interface Webhook {
  body: string;
  headers: Record<string, string>;
  customerId: number;
  orderId: number;
}

/** Signed `orders/paid` deliveries as Shopify sends them: by default each from a new customer. */
export function webhooks(shop: string, count: number, customerIds?: number[]): Webhook[] {
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const customerId = customerIds?.[i] ?? ++customers;
    const orderId = ++orders;
    const amount = (((orderId * 7919) % 20_000) / 100 + 5).toFixed(2);
    const money = { shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } };
    const body = JSON.stringify({
      id: orderId,
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
      customer: { id: customerId, email: `c${customerId}@example.com`, created_at: at, updated_at: at, email_marketing_consent: { state: 'subscribed' } },
    });
    return {
      body,
      customerId,
      orderId,
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

export type Ask = <T extends ServerMessage['type']>(message: ParentMessage, answer: T) => Promise<Extract<ServerMessage, { type: T }>>;

export function startServer(endpoint: string, table: string, pollMs: number): Promise<{ port: number; ask: Ask; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./webhook-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_DYNAMODB_ENDPOINT: endpoint, BENCH_TABLE: table, BENCH_SECRET: SECRET, BENCH_POLL_MS: String(pollMs) },
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

/** The receiver's own work per webhook (HMAC, shape, the queue message), measured in this process. */
export async function receiverMs(): Promise<number> {
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
