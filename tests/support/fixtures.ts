/**
 * Small webhook bodies in the shape Shopify sends, for tests that need many of them. Complete
 * sample payloads (every field a reader may look at) are in `shopify-samples.ts`.
 */
export type Json = Record<string, any>;

/** The id of an order's only line in `paidOrder`, so a `refund` can name it. */
export const lineItemId = (orderId: number) => orderId * 10 + 1;

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
    line_items: [
      {
        id: lineItemId(options.id),
        price: options.subtotal,
        price_set: set(options.subtotal),
        quantity: 1,
        gift_card: false,
        tax_lines: options.tax ? [{ price: options.tax, price_set: set(options.tax) }] : [],
        discount_allocations: [],
      },
    ],
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
    refund_line_items: [{ quantity: 1, line_item_id: lineItemId(options.orderId), line_item: { id: lineItemId(options.orderId), gift_card: false }, subtotal: options.subtotal, total_tax: options.tax ?? 0 }],
    transactions: [],
  };
}
