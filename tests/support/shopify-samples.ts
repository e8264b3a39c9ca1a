/**
 * The project's own sample webhook bodies, complete enough to stand for what Shopify sends: the
 * REST resource of each topic, with Shopify's documented field names (no `{"order": …}` wrapper).
 * The values are made up here; each sample's comment gives the numbers a test should expect.
 *
 * Every amount is consistent with the others: an order's subtotal is its lines' prices times
 * quantities less their discount allocations, and a refund line's subtotal is what its order line
 * was paid. So a reader that sums lines and one that takes the subtotal agree.
 */
import type { Json } from './fixtures.ts';

/** Integer cents to Shopify's money string: 4550 → "45.50". */
const amount = (cents: number): string => (cents / 100).toFixed(2);

/** A money set: the shop's currency, and the customer's (presentment) currency at a fixed rate. */
function moneySet(cents: number, currency: string, presentment = currency, rate = 1): Json {
  return {
    shop_money: { amount: amount(cents), currency_code: currency },
    presentment_money: { amount: amount(Math.round(cents * rate)), currency_code: presentment },
  };
}

export interface SampleLine {
  id: number;
  title: string;
  /** Unit price in cents. */
  price: number;
  quantity: number;
  /** Cents of discount allocated to the whole line. */
  discount?: number;
  giftCard?: boolean;
}

export interface SampleOrderOptions {
  id: number;
  customer: Json | null;
  createdAt: string;
  processedAt: string;
  currency?: string;
  presentmentCurrency?: string;
  /** Presentment amount per shop amount. */
  rate?: number;
  lines: SampleLine[];
  /** The discount codes used; their amounts are the lines' allocations. */
  discountCodes?: { code: string; type: 'fixed_amount' | 'percentage' }[];
  /** Tax rate on the discounted lines, e.g. 0.08; taxes are added on top of the prices. */
  taxRate?: number;
  shippingCents?: number;
}

/** A whole order, in Shopify's REST shape, with its amounts computed from its lines. */
export function sampleOrder(options: SampleOrderOptions): Json {
  const currency = options.currency ?? 'USD';
  const presentment = options.presentmentCurrency ?? currency;
  const set = (cents: number) => moneySet(cents, currency, presentment, options.rate ?? 1);
  const taxRate = options.taxRate ?? 0;
  const lines = options.lines.map((line) => {
    const gross = line.price * line.quantity;
    const discount = line.discount ?? 0;
    const tax = Math.round((gross - discount) * taxRate);
    return { line, gross, discount, tax };
  });
  const lineTotal = lines.reduce((sum, l) => sum + l.gross, 0);
  const discounts = lines.reduce((sum, l) => sum + l.discount, 0);
  const taxTotal = lines.reduce((sum, l) => sum + l.tax, 0);
  const subtotal = lineTotal - discounts;
  const shipping = options.shippingCents ?? 0;
  const total = subtotal + taxTotal + shipping;
  const codes = options.discountCodes ?? [];
  return {
    id: options.id,
    admin_graphql_api_id: `gid://shopify/Order/${options.id}`,
    name: `#${1000 + (options.id % 1000)}`,
    email: options.customer?.email ?? null,
    created_at: options.createdAt,
    updated_at: options.processedAt,
    processed_at: options.processedAt,
    cancelled_at: null,
    cancel_reason: null,
    currency,
    presentment_currency: presentment,
    financial_status: 'paid',
    test: false,
    taxes_included: false,
    total_line_items_price: amount(lineTotal),
    total_line_items_price_set: set(lineTotal),
    total_discounts: amount(discounts),
    total_discounts_set: set(discounts),
    subtotal_price: amount(subtotal),
    subtotal_price_set: set(subtotal),
    total_tax: amount(taxTotal),
    total_tax_set: set(taxTotal),
    total_price: amount(total),
    total_price_set: set(total),
    discount_codes: codes.map((discount) => ({ code: discount.code, amount: amount(discounts), type: discount.type })),
    discount_applications: codes.map((discount) => ({
      type: 'discount_code',
      code: discount.code,
      value_type: discount.type,
      allocation_method: 'across',
      target_selection: 'entitled',
      target_type: 'line_item',
    })),
    line_items: lines.map(({ line, discount, tax }) => ({
      id: line.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
      title: line.title,
      price: amount(line.price),
      price_set: set(line.price),
      quantity: line.quantity,
      gift_card: line.giftCard ?? false,
      requires_shipping: !(line.giftCard ?? false),
      taxable: !(line.giftCard ?? false),
      total_discount: amount(discount),
      total_discount_set: set(discount),
      tax_lines: tax ? [{ title: 'Sales tax', rate: taxRate, price: amount(tax), price_set: set(tax) }] : [],
      discount_allocations: discount ? [{ amount: amount(discount), amount_set: set(discount), discount_application_index: 0 }] : [],
    })),
    shipping_lines: shipping ? [{ id: options.id + 1, title: 'Standard', code: 'Standard', price: amount(shipping), price_set: set(shipping), discounted_price: amount(shipping), tax_lines: [] }] : [],
    customer: options.customer,
    refunds: [],
  };
}

export interface SampleCustomerOptions {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: string;
  updatedAt?: string;
  consent?: 'subscribed' | 'not_subscribed' | 'unsubscribed' | 'pending';
}

/** A customer as `customers/create` sends it (and as an order's `customer` carries it). */
export function sampleCustomer(options: SampleCustomerOptions): Json {
  const updatedAt = options.updatedAt ?? options.createdAt;
  return {
    id: options.id,
    admin_graphql_api_id: `gid://shopify/Customer/${options.id}`,
    email: options.email,
    first_name: options.firstName,
    last_name: options.lastName,
    phone: null,
    state: 'enabled',
    verified_email: true,
    tags: '',
    currency: 'USD',
    tax_exempt: false,
    created_at: options.createdAt,
    updated_at: updatedAt,
    email_marketing_consent: { state: options.consent ?? 'not_subscribed', opt_in_level: 'single_opt_in', consent_updated_at: options.consent === 'subscribed' ? updatedAt : null },
    sms_marketing_consent: null,
    addresses: [],
  };
}

export interface SampleRefundOptions {
  id: number;
  order: Json;
  createdAt: string;
  processedAt: string;
  /** The order's line ids refunded, and how many of each. */
  lines: { lineItemId: number; quantity: number }[];
}

/**
 * A refund of some of an order's lines, as `refunds/create` sends it: line subtotals and taxes as
 * JSON numbers (as Shopify writes them there), their `_set` twins as strings. Each line's share of
 * its discount and tax is in proportion to the quantity refunded.
 */
export function sampleRefund(options: SampleRefundOptions): Json {
  const order = options.order;
  const currency: string = order.currency;
  const lines = options.lines.map(({ lineItemId, quantity }, i) => {
    const line = (order.line_items as Json[]).find((item) => item.id === lineItemId);
    if (!line) throw new Error(`order ${order.id} has no line ${lineItemId}`);
    const share = (cents: number) => Math.round((cents * quantity) / line.quantity);
    const cents = (text: string) => Math.round(Number(text) * 100);
    const subtotal = share(cents(line.price) * line.quantity - cents(line.total_discount));
    const tax = share((line.tax_lines as Json[]).reduce((sum, t) => sum + cents(t.price), 0));
    return {
      id: options.id * 10 + i,
      line_item_id: lineItemId,
      location_id: null,
      quantity,
      restock_type: 'no_restock',
      subtotal: subtotal / 100,
      subtotal_set: moneySet(subtotal, currency, order.presentment_currency),
      total_tax: tax / 100,
      total_tax_set: moneySet(tax, currency, order.presentment_currency),
      line_item: line,
    };
  });
  return {
    id: options.id,
    admin_graphql_api_id: `gid://shopify/Refund/${options.id}`,
    order_id: order.id,
    created_at: options.createdAt,
    processed_at: options.processedAt,
    note: 'Customer changed their mind',
    restock: false,
    user_id: null,
    refund_line_items: lines,
    refund_shipping_lines: [],
    order_adjustments: [],
    transactions: [],
    duties: [],
  };
}

/** A cancellation: the order itself, with `cancelled_at` set. */
export function cancelled(order: Json, at: string): Json {
  return { ...order, cancelled_at: at, cancel_reason: 'customer', financial_status: 'refunded', updated_at: at };
}

/** The shop resource that `app/uninstalled` sends. */
export function appUninstalled(shop = 'test-shop.myshopify.com'): Json {
  const name = shop.replace(/\.myshopify\.com$/, '');
  return {
    id: 68_112_400_117,
    name,
    email: `owner@${name}.example`,
    domain: shop,
    myshopify_domain: shop,
    shop_owner: 'Sam Owner',
    plan_name: 'basic',
    currency: 'USD',
    iana_timezone: 'America/Toronto',
    taxes_included: false,
    created_at: '2024-11-02T10:12:40-04:00',
    updated_at: '2025-04-08T17:30:02-04:00',
  };
}

// ---------------------------------------------------------------------------------------------
// The named samples the tests use, and what they should yield.

/** Mira: a customer, created 2025-04-02T13:45:12Z (UTC), subscribed to email. */
export const SAMPLE_CUSTOMER = sampleCustomer({
  id: 7_390_254_200_003,
  email: 'mira.okafor@example.com',
  firstName: 'Mira',
  lastName: 'Okafor',
  createdAt: '2025-04-02T08:45:12-05:00',
  consent: 'subscribed',
});

/**
 * A paid order of two lines, 2 × 34.50 and 1 × 12.75: subtotal 81.75 USD in shop money (the
 * customer paid in EUR), 8% tax on top, 6.50 shipping; processed 2025-04-03T13:14:27Z (UTC).
 * Earns 81 points (rounded down); 418.25 remain to Silver.
 */
export const SAMPLE_PAID_ORDER = sampleOrder({
  id: 5_820_417_302_571,
  customer: sampleCustomer({ id: 7_390_254_018_811, email: 'theo.brandt@example.com', firstName: 'Theo', lastName: 'Brandt', createdAt: '2025-03-30T18:02:44-04:00', consent: 'subscribed' }),
  createdAt: '2025-04-03T09:14:25-04:00',
  processedAt: '2025-04-03T09:14:27-04:00',
  presentmentCurrency: 'EUR',
  rate: 0.92,
  lines: [
    { id: 14_001_000_001, title: 'Linen apron', price: 3450, quantity: 2 },
    { id: 14_001_000_002, title: 'Olive oil soap', price: 1275, quantity: 1 },
  ],
  taxRate: 0.08,
  shippingCents: 650,
});

/** One line of 150.00 with the fixed 15.00 code SPRING15: subtotal after discounts 135.00. */
export const SAMPLE_DISCOUNTED_ORDER = sampleOrder({
  id: 5_820_417_302_600,
  customer: sampleCustomer({ id: 7_390_254_018_900, email: 'ines.duarte@example.com', firstName: 'Ines', lastName: 'Duarte', createdAt: '2025-01-12T10:00:00Z' }),
  createdAt: '2025-04-04T12:00:00Z',
  processedAt: '2025-04-04T12:00:05Z',
  lines: [{ id: 14_001_000_101, title: 'Walnut board', price: 15000, quantity: 1, discount: 1500 }],
  discountCodes: [{ code: 'SPRING15', type: 'fixed_amount' }],
});

/**
 * Three lines, 2 × 45.00, 1 × 119.90 (with 11.99 of WELCOME10 on it) and 1 × 66.09: subtotal
 * 264.00, so 264 points. Processed 2025-04-04T09:30:00Z; cancelled 2025-04-06T14:02:11Z (UTC).
 */
export const SAMPLE_ORDER_TO_CANCEL = sampleOrder({
  id: 5_820_417_400_001,
  customer: sampleCustomer({ id: 7_390_254_100_002, email: 'jonas.weber@example.com', firstName: 'Jonas', lastName: 'Weber', createdAt: '2024-12-01T15:20:00Z' }),
  createdAt: '2025-04-04T09:29:58Z',
  processedAt: '2025-04-04T09:30:00Z',
  lines: [
    { id: 14_001_000_201, title: 'Stoneware mug', price: 4500, quantity: 2 },
    { id: 14_001_000_202, title: 'Wool throw', price: 11990, quantity: 1, discount: 1199 },
    { id: 14_001_000_203, title: 'Candle set', price: 6609, quantity: 1 },
  ],
  discountCodes: [{ code: 'WELCOME10', type: 'percentage' }],
  taxRate: 0.08,
  shippingCents: 800,
});

export const SAMPLE_CANCELLATION = cancelled(SAMPLE_ORDER_TO_CANCEL, '2025-04-06T16:02:11+02:00');

/**
 * A refund of one mug (45.00, tax 3.60) and the throw (107.91 after its discount, tax 8.63):
 * 152.91 of the order's 264.00, tax 12.23; processed 2025-04-05T15:20:03Z (UTC).
 * Reverses floor(264 × 152.91 / 264.00) = 152 points.
 */
export const SAMPLE_REFUND = sampleRefund({
  id: 9_120_330_001,
  order: SAMPLE_ORDER_TO_CANCEL,
  createdAt: '2025-04-05T11:20:00-04:00',
  processedAt: '2025-04-05T11:20:03-04:00',
  lines: [
    { lineItemId: 14_001_000_201, quantity: 1 },
    { lineItemId: 14_001_000_202, quantity: 1 },
  ],
});
