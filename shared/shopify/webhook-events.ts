/** Webhook topics to the core's events: parse the body, validate its shape, convert money and dates. */
import type { CustomerDetails, LoyaltyEvent } from '../earning/events.ts';
import { InvalidAmountError, toMinorUnits } from '../money/money.ts';
import { InvalidPayloadError } from './errors.ts';
import { customerPrivacySchema, customerSchema, orderSchema, refundSchema, shopPrivacySchema, type CustomerPayload, type OrderPayload } from './payloads.ts';

export const EARNING_TOPICS = ['customers/create', 'customers/update', 'orders/paid', 'orders/cancelled', 'refunds/create'] as const;
export const PRIVACY_TOPICS = ['app/uninstalled', 'customers/redact', 'shop/redact', 'customers/data_request'] as const;
export type EarningTopic = (typeof EARNING_TOPICS)[number] | (typeof PRIVACY_TOPICS)[number];

/** The topics the service handles; any other is acknowledged and ignored. */
export function isEarningTopic(topic: string): topic is EarningTopic {
  return (EARNING_TOPICS as readonly string[]).includes(topic) || (PRIVACY_TOPICS as readonly string[]).includes(topic);
}

/** JSON.parse that answers with the service's own error for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidPayloadError('the body is not JSON', [], { cause });
  }
}

function validated<T>(schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, body: unknown, topic: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new InvalidPayloadError(`the body is not a ${topic} payload`, problems);
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
      // The refund's currency is the order's shop currency; its lines carry it in `subtotal_set`.
      const currency = refund.refund_line_items[0]?.subtotal_set?.shop_money.currency_code ?? 'USD';
      let subtotalMinor = 0;
      let taxMinor = 0;
      refund.refund_line_items.forEach((line, i) => {
        subtotalMinor += money(line.subtotal_set?.shop_money.amount ?? line.subtotal, currency, `refund_line_items.${i}.subtotal`);
        const tax = line.total_tax_set?.shop_money.amount ?? line.total_tax;
        if (tax !== undefined && tax !== null) taxMinor += money(tax, currency, `refund_line_items.${i}.total_tax`);
      });
      return {
        kind: 'refund-created',
        refundId: String(refund.id),
        orderId: String(refund.order_id),
        at: utc(refund.processed_at ?? refund.created_at),
        subtotalMinor: Math.max(0, subtotalMinor),
        taxMinor: Math.max(0, taxMinor),
      };
    }
    case 'customers/create':
      return { kind: 'customer-created', ...customerDetails(validated(customerSchema, body, topic)) };
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
      return { kind: 'customer-redact', customerId: String(request.customer.id), orderIds: (request.orders_to_redact ?? []).map(String) };
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

function orderPaid(order: OrderPayload): LoyaltyEvent {
  const currency = order.subtotal_price_set?.shop_money.currency_code ?? order.currency;
  const subtotal = order.subtotal_price_set?.shop_money.amount ?? order.subtotal_price;
  if (subtotal === undefined || subtotal === null) {
    throw new InvalidPayloadError('the body is not a orders/paid payload', [{ path: 'subtotal_price', message: 'required' }]);
  }
  const taxesIncluded = order.taxes_included ?? false;
  let includedTaxMinor = 0;
  if (taxesIncluded) {
    // Tax on the items only: shipping's tax is not in the subtotal.
    const lines = order.line_items ?? [];
    includedTaxMinor = lines.length
      ? lines.reduce((sum, line, i) => sum + (line.tax_lines ?? []).reduce((s, tax) => s + money(tax.price_set?.shop_money.amount ?? tax.price, currency, `line_items.${i}.tax_lines`), 0), 0)
      : money(order.total_tax_set?.shop_money.amount ?? order.total_tax ?? '0', currency, 'total_tax');
  }
  return {
    kind: 'order-paid',
    orderId: String(order.id),
    ...(order.customer ? { customerId: String(order.customer.id), customer: customerDetails(order.customer, order.created_at) } : {}),
    at: utc(order.processed_at ?? order.created_at),
    currency,
    subtotalMinor: money(subtotal, currency, 'subtotal_price'),
    taxesIncluded,
    includedTaxMinor,
    discountCodes: (order.discount_codes ?? []).map((discount) => discount.code),
  };
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
    updatedAt: utc(customer.updated_at ?? createdAt),
  };
  return { customerId: String(customer.id), createdAt: utc(createdAt), contact };
}
