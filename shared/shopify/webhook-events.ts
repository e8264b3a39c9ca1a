/** Webhook topics to the core's events: parse the body, validate its shape, convert money and dates. */
import type { CustomerDetails, LoyaltyEvent, OrderPaid } from '../earning/events.ts';
import { isSafeNumber, parse as parseLossless } from 'lossless-json';
import { decimalText, InvalidAmountError, toMinorUnits } from '../money/money.ts';
import { InvalidPayloadError } from './errors.ts';
import { orderOrigin } from './order-origin.ts';
import { customerPrivacySchema, customerSchema, orderSchema, refundSchema, shopPrivacySchema, type CustomerPayload, type OrderPayload } from './payloads.ts';

export const EARNING_TOPICS = ['customers/create', 'customers/update', 'orders/paid', 'orders/cancelled', 'refunds/create'] as const;
export const PRIVACY_TOPICS = ['app/uninstalled', 'customers/redact', 'shop/redact', 'customers/data_request'] as const;
export type EarningTopic = (typeof EARNING_TOPICS)[number] | (typeof PRIVACY_TOPICS)[number];

/** The topics the service handles; any other is acknowledged and ignored. */
export function isEarningTopic(topic: string): topic is EarningTopic {
  return (EARNING_TOPICS as readonly string[]).includes(topic) || (PRIVACY_TOPICS as readonly string[]).includes(topic);
}

/** An integer literal too long to be sure it survives a JavaScript number (2^53 has 16 digits). */
const LONG_INTEGER = /[:[,]\s*-?\d{16,}\s*[,}\]]/;

/**
 * JSON.parse that answers with the service's own error for text that is not JSON, and keeps
 * integers beyond 2^53 (ids of Shopify's test samples and of long-lived shops) as their exact
 * digits, in a string, where plain JSON.parse would round them.
 */
export function parseJson(text: string): unknown {
  try {
    if (!LONG_INTEGER.test(text)) return JSON.parse(text);
    return parseLossless(text, null, (digits) => (isSafeNumber(digits) ? Number(digits) : digits));
  } catch (cause) {
    throw new InvalidPayloadError('the body is not JSON', [], { cause });
  }
}

function validated<T>(schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, body: unknown, topic: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new InvalidPayloadError(`the body is not a valid ${topic} payload`, problems);
}

/** Money conversion errors become payload errors: a 400, never a 500. Amounts here are never negative. */
function money(value: string | number, currency: string, path: string): number {
  let minor: number;
  try {
    minor = toMinorUnits(value, currency);
  } catch (cause) {
    if (cause instanceof InvalidAmountError) throw new InvalidPayloadError(`${path} is not a money amount`, [{ path, message: cause.message }]);
    throw cause;
  }
  if (minor < 0) throw new InvalidPayloadError(`${path} is negative`, [{ path, message: 'a negative amount' }]);
  return minor;
}

const utc = (timestamp: string): string => new Date(timestamp).toISOString();

export function toEvent(topic: EarningTopic, body: unknown): LoyaltyEvent {
  switch (topic) {
    case 'orders/paid':
      return orderPaid(validated(orderSchema, body, topic));
    case 'orders/cancelled': {
      const order = validated(orderSchema, body, topic);
      return {
        kind: 'order-cancelled',
        orderId: String(order.id),
        ...(order.customer ? { customerId: String(order.customer.id) } : {}),
        at: utc(order.cancelled_at ?? order.processed_at ?? order.created_at),
      };
    }
    case 'refunds/create': {
      const refund = validated(refundSchema, body, topic);
      // Every line's amounts are in the shop's currency; `subtotal_set` names it. Gift cards
      // refunded never earned, so they reverse nothing.
      const currency = refund.refund_line_items.find((line) => line.subtotal_set)?.subtotal_set?.shop_money.currency_code;
      const lines = refund.refund_line_items.flatMap((line, i) => {
        if (line.line_item?.gift_card) return [];
        const subtotal = line.subtotal_set?.shop_money.amount ?? line.subtotal;
        const tax = line.total_tax_set?.shop_money.amount ?? line.total_tax ?? 0;
        money(subtotal, currency ?? 'XXX', `refund_line_items.${i}.subtotal`);
        money(tax, currency ?? 'XXX', `refund_line_items.${i}.total_tax`);
        // As decimal text: a refund kept before its order names the currency stores the lines as
        // they are, and a JSON number such as 5e-324 is no number DynamoDB takes.
        return [{ subtotal: decimalText(subtotal), tax: decimalText(tax) }];
      });
      return {
        kind: 'refund-created',
        refundId: String(refund.id),
        orderId: String(refund.order_id),
        at: utc(refund.processed_at ?? refund.created_at),
        ...(currency ? { currency } : {}),
        lines,
      };
    }
    case 'customers/create': {
      const customer = validated(customerSchema, body, topic);
      return { kind: 'customer-created', ...customerDetails(customer), ...(customer.verified_email === true ? { verifiedEmail: true } : {}) };
    }
    case 'customers/update':
      return { kind: 'customer-updated', ...customerDetails(validated(customerSchema, body, topic)) };
    case 'app/uninstalled':
      validated(shopPrivacySchema, body, topic);
      return { kind: 'app-uninstalled' };
    case 'shop/redact':
      validated(shopPrivacySchema, body, topic);
      return { kind: 'shop-redact' };
    case 'customers/redact': {
      const request = validated(customerPrivacySchema, body, topic);
      return { kind: 'customer-redact', customerId: String(request.customer.id), ...(request.customer.email ? { email: request.customer.email } : {}), orderIds: (request.orders_to_redact ?? []).map(String) };
    }
    case 'customers/data_request': {
      const request = validated(customerPrivacySchema, body, topic);
      return {
        kind: 'customer-data-request',
        customerId: String(request.customer.id),
        orderIds: (request.orders_requested ?? []).map(String),
        requestId: String(request.data_request?.id ?? 'unnumbered'),
      };
    }
  }
}

/**
 * A paid order in the shop's currency: `subtotal_price_set.shop_money`, else the plain amounts,
 * which Shopify writes in the shop's currency (`currency`) too. The customer's presentment currency
 * is never used, so nothing is converted here.
 */
function orderPaid(order: OrderPayload): LoyaltyEvent {
  const currency = order.subtotal_price_set?.shop_money.currency_code ?? order.currency;
  const subtotal = order.subtotal_price_set?.shop_money.amount ?? order.subtotal_price;
  if (subtotal === undefined || subtotal === null) {
    throw new InvalidPayloadError('the body is not an orders/paid payload', [{ path: 'subtotal_price', message: 'required' }]);
  }
  const lines = order.line_items ?? [];
  const taxesIncluded = order.taxes_included ?? false;
  let includedTaxMinor = 0;
  if (taxesIncluded) {
    // Tax on the items only: shipping's tax is not in the subtotal, and gift cards carry none.
    includedTaxMinor = lines.length
      ? lines.reduce((sum, line, i) => (line.gift_card ? sum : sum + (line.tax_lines ?? []).reduce((s, tax) => s + money(tax.price_set?.shop_money.amount ?? tax.price, currency, `line_items.${i}.tax_lines`), 0)), 0)
      : money(order.total_tax_set?.shop_money.amount ?? order.total_tax ?? '0', currency, 'total_tax');
  }
  return {
    kind: 'order-paid',
    orderId: String(order.id),
    ...(order.customer ? { customerId: String(order.customer.id), customer: customerDetails(order.customer, order.created_at) } : {}),
    ...(!order.customer && (order.email || order.contact_email) ? { guestEmail: (order.email || order.contact_email)! } : {}),
    at: utc(order.processed_at ?? order.created_at),
    currency,
    subtotalMinor: money(subtotal, currency, 'subtotal_price'),
    giftCardMinor: giftCardsBought(lines, currency),
    taxesIncluded,
    includedTaxMinor,
    discountCodes: (order.discount_codes ?? []).map((discount) => discount.code),
    ...orderLines(lines, currency),
    ...discountAmounts(order, currency),
    ...orderOrigin({
      email: order.email,
      browserIp: order.browser_ip,
      address: order.shipping_address && { ...order.shipping_address, countryCode: order.shipping_address.country_code },
      customerName: { first: order.customer?.first_name, last: order.customer?.last_name },
    }),
  };
}


/** What each discount code took off the order: `amount` is in the shop's currency, like the order's other plain amounts. */
function discountAmounts(order: OrderPayload, currency: string): { discountAmounts?: Record<string, number> } {
  const amounts: Record<string, number> = {};
  (order.discount_codes ?? []).forEach((discount, i) => {
    if (discount.amount === undefined || discount.amount === null) return;
    amounts[discount.code] = (amounts[discount.code] ?? 0) + Math.max(0, money(discount.amount, currency, `discount_codes.${i}.amount`));
  });
  return Object.keys(amounts).length ? { discountAmounts: amounts } : {};
}

/** The lines other than gift cards, each with its product and net amount, for product campaigns (docs/campaigns.md). */
function orderLines(lines: NonNullable<OrderPayload['line_items']>, currency: string): { lines?: OrderPaid['lines'] } {
  const kept = lines.flatMap((line, i) => {
    const price = line.price_set?.shop_money.amount ?? line.price;
    if (line.gift_card || price === undefined || price === null) return [];
    const discounts = (line.discount_allocations ?? []).reduce(
      (sum, allocation, j) => sum + money(allocation.amount_set?.shop_money.amount ?? allocation.amount ?? 0, currency, `line_items.${i}.discount_allocations.${j}.amount`),
      0,
    );
    const netMinor = Math.max(0, money(price, currency, `line_items.${i}.price`) * (line.quantity ?? 1) - discounts);
    return [{ ...(line.product_id !== undefined && line.product_id !== null ? { productId: String(line.product_id) } : {}), netMinor }];
  });
  return kept.length ? { lines: kept } : {};
}

/** Gift-card lines bought: price times quantity, less the discounts allocated to them. */
function giftCardsBought(lines: NonNullable<OrderPayload['line_items']>, currency: string): number {
  let total = 0;
  lines.forEach((line, i) => {
    if (!line.gift_card) return;
    const price = line.price_set?.shop_money.amount ?? line.price;
    if (price === undefined || price === null) {
      throw new InvalidPayloadError('a gift card line has no price', [{ path: `line_items.${i}.price`, message: 'required' }]);
    }
    const discounts = (line.discount_allocations ?? []).reduce(
      (sum, allocation, j) => sum + money(allocation.amount_set?.shop_money.amount ?? allocation.amount ?? 0, currency, `line_items.${i}.discount_allocations.${j}.amount`),
      0,
    );
    total += Math.max(0, money(price, currency, `line_items.${i}.price`) * (line.quantity ?? 1) - discounts);
  });
  return total;
}

function customerDetails(customer: CustomerPayload, fallbackDate?: string): CustomerDetails {
  const createdAt = customer.created_at ?? customer.updated_at ?? fallbackDate;
  if (!createdAt) throw new InvalidPayloadError('the customer has no created_at', [{ path: 'created_at', message: 'required' }]);
  const contact = {
    ...(customer.email ? { email: customer.email } : {}),
    ...(customer.first_name ? { firstName: customer.first_name } : {}),
    ...(customer.last_name ? { lastName: customer.last_name } : {}),
    ...(customer.phone ? { phone: customer.phone } : {}),
    ...(customer.email_marketing_consent?.state ? { emailMarketing: customer.email_marketing_consent.state } : {}),
    ...(customer.email_marketing_consent?.consent_updated_at ? { emailMarketingUpdatedAt: utc(customer.email_marketing_consent.consent_updated_at) } : {}),
    updatedAt: utc(customer.updated_at ?? createdAt),
  };
  return { customerId: String(customer.id), createdAt: utc(createdAt), contact };
}
