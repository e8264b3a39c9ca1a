/**
 * `npm run send-sample-webhook`: sends a signed `orders/paid` webhook to a running local server,
 * then asks the storefront API (signed as the App Proxy would) for the customer's standing, so a
 * new user sees points appear. Settings as for `npm start`: PORT, SHOPIFY_API_SECRET, LOYALTY_NOW.
 *
 *   npm run send-sample-webhook -- --customer 1001 --amount 120.00 --shop demo-shop.myshopify.com --port 3000
 */
import { randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signProxyQuery } from '../shared/shopify/app-proxy-signature.ts';
import { signWebhook } from '../shared/shopify/webhook-signature.ts';
import { PORT_HELP, loadConfig, serviceUrl } from './config.ts';

const USAGE = [
  'usage: npm run send-sample-webhook -- [--customer 1001] [--amount 120.00] [--shop demo-shop.myshopify.com] [--order ID] [--port N]',
  '  Sends a signed orders/paid webhook to the running `npm start`, then prints the customer\'s standing.',
  '  --customer   the customer id (default 1001)',
  '  --amount     the order\'s subtotal in USD (default 120.00)',
  '  --shop       the shop domain (default demo-shop.myshopify.com)',
  '  --order      the order id (default: a random one)',
  PORT_HELP,
  '  Signed with SHOPIFY_API_SECRET (default: the development value), dated by LOYALTY_NOW if set.',
  '',
].join('\n');

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      customer: { type: 'string', default: '1001' },
      amount: { type: 'string', default: '120.00' },
      shop: { type: 'string', default: 'demo-shop.myshopify.com' },
      order: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const config = loadConfig();
let base: string;
try {
  base = serviceUrl(values.port);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const now = config.clock();
const orderId = Number(values.order ?? randomInt(1, 2 ** 47));
const money = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } });

const order = {
  id: orderId,
  name: `#${orderId % 100000}`,
  created_at: now.toISOString(),
  processed_at: now.toISOString(),
  currency: 'USD',
  financial_status: 'paid',
  subtotal_price: values.amount,
  subtotal_price_set: money(values.amount!),
  total_tax: '0.00',
  taxes_included: false,
  line_items: [{ title: 'Sample product', price: values.amount, quantity: 1, tax_lines: [] }],
  shipping_lines: [{ title: 'Standard', price: '5.00', price_set: money('5.00') }],
  discount_codes: [],
  customer: { id: Number(values.customer), email: 'sample.customer@example.com', created_at: now.toISOString(), updated_at: now.toISOString() },
};

async function main() {
  const body = JSON.stringify(order);
  const webhook = await fetch(`${base}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/paid',
      'x-shopify-shop-domain': values.shop!,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-triggered-at': now.toISOString(),
      'x-shopify-api-version': '2026-10',
      'x-shopify-hmac-sha256': signWebhook(body, config.apiSecret),
    },
    body,
  });
  process.stdout.write(`POST /webhooks/shopify orders/paid (order ${orderId}, ${values.amount} USD, customer ${values.customer}) -> ${webhook.status} ${await webhook.text()}\n`);

  const query: Record<string, string[]> = {
    shop: [values.shop!],
    logged_in_customer_id: [values.customer!],
    path_prefix: ['/apps/loyalty'],
    timestamp: [String(Math.floor(now.getTime() / 1000))],
  };
  const params = new URLSearchParams(Object.entries(query).map(([name, values]): [string, string] => [name, values[0]!]));
  params.set('signature', signProxyQuery(query, config.apiSecret));
  const member = await fetch(`${base}/proxy/member?${params}`);
  const standing = (await member.json()) as { balance?: number; tier?: string; nextTier?: { name: string; remaining: string } | null };
  process.stdout.write(`GET /proxy/member -> ${member.status} ${JSON.stringify(standing)}\n`);
  if (webhook.status !== 200 || member.status !== 200) process.exit(1);
  process.stdout.write(
    `customer ${values.customer} now has ${standing.balance} points, tier ${standing.tier}` +
      (standing.nextTier ? `, ${standing.nextTier.remaining} USD more to reach ${standing.nextTier.name}\n` : '\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`could not reach the service at ${base}: ${error instanceof Error ? error.message : String(error)}\n(is \`npm start\` running? on another port, pass --port N)\n`);
  process.exit(1);
});
