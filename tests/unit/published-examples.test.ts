/**
 * Shopify's published example payloads, replayed through the webhook reader where they sit beside
 * this repository (../shared/fixtures/shopify; a fresh clone has none, and skips these with one
 * line). Loose on purpose: each is read without error, into ids kept as digit strings and UTC
 * dates. The exact numbers are asserted on the project's own samples (tests/support/shopify-samples.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isEarningTopic, parseJson, toEvent, type EarningTopic } from '../../shared/shopify/webhook-events.ts';

const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/shopify');
const examples = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.json')).sort() : [];

/** `orders_paid.json` → `orders/paid`; an `orders/create` body is an order like a paid one. */
function topicOf(file: string): EarningTopic {
  const topic = file.replace(/\.json$/, '').replace('_', '/');
  const handled = topic === 'orders/create' ? 'orders/paid' : topic;
  if (!isEarningTopic(handled)) throw new Error(`no handled topic for ${file}`);
  return handled;
}

if (!examples.length) {
  process.stdout.write(`published Shopify examples not found at ${relative(process.cwd(), folder)}: skipping their replay tests\n`);
}

describe.skipIf(!examples.length)('Shopify’s published examples', () => {
  it.each(examples)('%s is read without error', (file) => {
    const body = parseJson(readFileSync(resolve(folder, file), 'utf8'));
    const event = toEvent(topicOf(file), body) as unknown as Record<string, unknown>;
    for (const key of ['orderId', 'refundId', 'customerId'] as const) {
      if (key in event) expect(event[key]).toMatch(/^[1-9][0-9]*$/);
    }
    for (const key of ['at', 'createdAt'] as const) {
      if (key in event) expect(event[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    for (const key of ['subtotalMinor', 'taxMinor', 'includedTaxMinor'] as const) {
      if (key in event) expect(Number.isSafeInteger(event[key]) && (event[key] as number) >= 0).toBe(true);
    }
  });
});
