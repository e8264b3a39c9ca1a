/** Shopify's own example payloads, from ../shared/fixtures/shopify (beside this repository). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/shopify');

export type Json = Record<string, any>;

export function fixture(name: 'orders_paid' | 'orders_create' | 'orders_cancelled' | 'refunds_create' | 'customers_create' | 'app_uninstalled'): Json {
  return JSON.parse(readFileSync(resolve(root, `${name}.json`), 'utf8')) as Json;
}

/** A paid order in the shape Shopify sends, small enough to read in a test. */
export function paidOrder(options: { id: number; customerId?: number | null; subtotal: string; at: string; taxesIncluded?: boolean; tax?: string; currency?: string }): Json {
  const currency = options.currency ?? 'USD';
  const set = (amount: string) => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });
  return {
    id: options.id,
    created_at: options.at,
    processed_at: options.at,
    cancelled_at: null,
    currency,
    financial_status: 'paid',
    subtotal_price: options.subtotal,
    subtotal_price_set: set(options.subtotal),
    total_tax: options.tax ?? '0.00',
    taxes_included: options.taxesIncluded ?? false,
    line_items: [{ price: options.subtotal, quantity: 1, tax_lines: options.tax ? [{ price: options.tax, price_set: set(options.tax) }] : [] }],
    shipping_lines: [{ price: '9.99', price_set: set('9.99') }],
    discount_codes: [],
    customer:
      options.customerId === null
        ? null
        : { id: options.customerId ?? 7001, email: 'ann@example.com', created_at: options.at, updated_at: options.at, email_marketing_consent: { state: 'subscribed' } },
  };
}

export function refund(options: { id: number; orderId: number; subtotal: string | number; at: string; tax?: string }): Json {
  return {
    id: options.id,
    order_id: options.orderId,
    created_at: options.at,
    processed_at: options.at,
    refund_line_items: [{ quantity: 1, subtotal: options.subtotal, total_tax: options.tax ?? 0 }],
    transactions: [],
  };
}
