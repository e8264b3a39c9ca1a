/**
 * Orders read back from the Admin GraphQL API (reconciliation, the history import) and turned into
 * the very events their webhooks would have given: the same eligible amount (subtotal after
 * discounts in shop money, gift cards bought left out, included tax taken out), the same dates, the
 * same ids (the REST ids, not the gids), so a reconciled order earns exactly what its `orders/paid`
 * would have, and the order and refund records make a replay of either change nothing.
 */
import * as z from 'zod/mini';
import type { CustomerDetails, EarningEvent, OrderCancelled, OrderPaid, RefundCreated } from '../earning/events.ts';
import { decimalText, InvalidAmountError, toMinorUnits } from '../money/money.ts';
import { orderOrigin } from './order-origin.ts';
import { timestampSchema } from './payloads.ts';

const gid = z.string().check(z.maxLength(200), z.regex(/^gid:\/\/shopify\/[A-Za-z]+\/[1-9][0-9]{0,29}(\?.*)?$/, 'a Shopify gid'));
const currencyCode = z.string().check(z.regex(/^[A-Z]{3}$/));
const moneyBag = z.object({ shopMoney: z.object({ amount: z.string().check(z.maxLength(40)), currencyCode }) });
const connection = <T extends z.core.SomeType>(node: T) => z.object({ nodes: z.array(node), pageInfo: z.optional(z.object({ hasNextPage: z.boolean(), endCursor: z.nullish(z.string()) })) });

const lineItemSchema = z.object({
  id: z.optional(gid),
  isGiftCard: z.boolean(),
  quantity: z.int().check(z.nonnegative()),
  originalUnitPriceSet: moneyBag,
  discountAllocations: z.array(z.object({ allocatedAmountSet: moneyBag })),
  taxLines: z.array(z.object({ priceSet: moneyBag })),
  /** The line's product, for product campaigns (docs/campaigns.md); null for a custom item or a deleted product. */
  product: z.nullish(z.object({ id: gid })),
});

const refundLineItemSchema = z.object({
  id: z.optional(gid),
  subtotalSet: moneyBag,
  totalTaxSet: z.nullish(moneyBag),
  lineItem: z.nullish(z.object({ isGiftCard: z.boolean() })),
});

const refundSchema = z.object({
  id: gid,
  createdAt: z.nullish(timestampSchema),
  refundLineItems: connection(refundLineItemSchema),
});

const customerSchema = z.object({
  id: gid,
  createdAt: z.nullish(timestampSchema),
  updatedAt: z.nullish(timestampSchema),
  firstName: z.nullish(z.string().check(z.maxLength(255))),
  lastName: z.nullish(z.string().check(z.maxLength(255))),
  defaultEmailAddress: z.nullish(z.object({ emailAddress: z.nullish(z.string().check(z.maxLength(320))), marketingState: z.nullish(z.string().check(z.maxLength(40))), marketingUpdatedAt: z.nullish(timestampSchema) })),
  defaultPhoneNumber: z.nullish(z.object({ phoneNumber: z.nullish(z.string().check(z.maxLength(40))) })),
});

/** One order as the orders query (and the bulk import, reassembled) gives it. */
export const graphqlOrderSchema = z.object({
  id: gid,
  createdAt: timestampSchema,
  processedAt: z.nullish(timestampSchema),
  updatedAt: timestampSchema,
  cancelledAt: z.nullish(timestampSchema),
  displayFinancialStatus: z.nullish(z.string().check(z.maxLength(40))),
  currencyCode,
  taxesIncluded: z.boolean(),
  subtotalPriceSet: z.nullish(moneyBag),
  totalTaxSet: z.nullish(moneyBag),
  discountCodes: z.array(z.string().check(z.maxLength(255))),
  customer: z.nullish(customerSchema),
  /** For guest claims and the referral fraud rules, as the webhook's `email`, `browser_ip`, `shipping_address`. */
  email: z.nullish(z.string().check(z.maxLength(320))),
  clientIp: z.nullish(z.string().check(z.maxLength(100))),
  shippingAddress: z.nullish(
    z.object({
      name: z.nullish(z.string().check(z.maxLength(255))),
      address1: z.nullish(z.string().check(z.maxLength(255))),
      address2: z.nullish(z.string().check(z.maxLength(255))),
      city: z.nullish(z.string().check(z.maxLength(255))),
      zip: z.nullish(z.string().check(z.maxLength(40))),
      countryCodeV2: z.nullish(z.string().check(z.maxLength(10))),
    }),
  ),
  lineItems: connection(lineItemSchema),
  refunds: z.array(refundSchema),
});

export type GraphqlOrder = z.output<typeof graphqlOrderSchema>;
export type GraphqlLineItem = z.output<typeof lineItemSchema>;

/** The fields read of each order, shared by the paged query and the bulk query. */
const ORDER_FIELDS = (lineItems: string, refundLines: string) => `id
      createdAt
      processedAt
      updatedAt
      cancelledAt
      displayFinancialStatus
      currencyCode
      taxesIncluded
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount currencyCode } }
      discountCodes
      email
      clientIp
      shippingAddress { name address1 address2 city zip countryCodeV2 }
      customer {
        id createdAt updatedAt firstName lastName
        defaultEmailAddress { emailAddress marketingState marketingUpdatedAt }
        defaultPhoneNumber { phoneNumber }
      }
      lineItems${lineItems} {
        ${lineItems ? 'pageInfo { hasNextPage endCursor }\n        ' : ''}nodes {
          id isGiftCard quantity product { id }
          originalUnitPriceSet { shopMoney { amount currencyCode } }
          discountAllocations { allocatedAmountSet { shopMoney { amount currencyCode } } }
          taxLines { priceSet { shopMoney { amount currencyCode } } }
        }
      }
      refunds {
        id createdAt
        refundLineItems${refundLines} {
          nodes {
            id
            subtotalSet { shopMoney { amount currencyCode } }
            totalTaxSet { shopMoney { amount currencyCode } }
            lineItem { isGiftCard }
          }
        }
      }`;

/** Line items read with each order of a page; an order with more is completed by `ORDER_LINE_ITEMS_QUERY`. */
export const LINE_ITEMS_PER_ORDER = 50;

/**
 * Orders updated since an instant, oldest update first, a page at a time (`$query` is
 * `updated_at:>='…'`, Shopify's search syntax). Refunds and their lines come with each order.
 */
export const ORDERS_QUERY = `query reconcileOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ${ORDER_FIELDS(`(first: ${LINE_ITEMS_PER_ORDER})`, '(first: 100)')}
    }
  }
}`;

/** The rest of an order's line items, when it has more than a page holds. */
export const ORDER_LINE_ITEMS_QUERY = `query orderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id isGiftCard quantity product { id }
        originalUnitPriceSet { shopMoney { amount currencyCode } }
        discountAllocations { allocatedAmountSet { shopMoney { amount currencyCode } } }
        taxLines { priceSet { shopMoney { amount currencyCode } } }
      }
    }
  }
}`;

/** The search filter of orders updated at or after `since`. */
export function updatedSinceFilter(since: Date): string {
  return `updated_at:>='${since.toISOString()}'`;
}

/**
 * The bulk query of the history import: every order created in `[from, to)`, oldest first. No
 * `first` on connections (bulk operations page by themselves); line items and refund lines come as
 * lines of their own with `__parentId`.
 */
export function historyBulkQuery(from: Date, to: Date): string {
  return `{
  orders(query: "created_at:>='${from.toISOString()}' AND created_at:<'${to.toISOString()}'", sortKey: CREATED_AT) {
    edges {
      node {
      ${ORDER_FIELDS('', '')}
      }
    }
  }
}`;
}

/** An order whose data cannot make events (a malformed amount, a missing subtotal): it never will. */
export class InvalidOrderError extends Error {
  readonly type = 'invalid-order';
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super(`order ${orderId}: ${reason}`);
    this.name = 'InvalidOrderError';
  }
}

/** The REST id inside a gid (`gid://shopify/Order/450789469` → `450789469`): what webhooks carry. */
export function restId(id: string): string {
  return /\/(\d+)(\?.*)?$/.exec(id)?.[1] ?? id;
}

/** Reads an order node, or says what is wrong with it. */
export function parseGraphqlOrder(node: unknown): GraphqlOrder {
  const parsed = graphqlOrderSchema.safeParse(node);
  if (parsed.success) return parsed.data;
  const id = typeof (node as { id?: unknown })?.id === 'string' ? restId((node as { id: string }).id) : 'unknown';
  const issue = parsed.error.issues[0]!;
  throw new InvalidOrderError(id, `${issue.path.map(String).join('.') || 'order'}: ${issue.message}`);
}

/** Financial statuses of an order that was paid in full (refunds since included). */
const PAID_STATUSES = new Set(['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED']);

export interface OrderEventOptions {
  /** The order predates the app (the history import): it counts toward tiers, and earns only if the program says so. */
  imported?: boolean;
}

/**
 * The events an order stands for, in the order they happened: the payment (if it was paid), each
 * refund by date, then the cancellation. The same values the webhooks give.
 */
export function orderEvents(order: GraphqlOrder, options: OrderEventOptions = {}): EarningEvent[] {
  const orderId = restId(order.id);
  const customerId = order.customer ? restId(order.customer.id) : undefined;
  const events: EarningEvent[] = [];
  if (order.displayFinancialStatus && PAID_STATUSES.has(order.displayFinancialStatus)) events.push(orderPaid(order, orderId, options));
  const refunds = order.refunds.map((refund) => refundCreated(refund, order, orderId)).sort((a, b) => a.at.localeCompare(b.at) || a.refundId.localeCompare(b.refundId));
  events.push(...refunds);
  if (order.cancelledAt) {
    const cancelled: OrderCancelled = { kind: 'order-cancelled', orderId, ...(customerId ? { customerId } : {}), at: utc(order.cancelledAt) };
    events.push(cancelled);
  }
  return events;
}

function orderPaid(order: GraphqlOrder, orderId: string, options: OrderEventOptions): OrderPaid {
  const subtotal = order.subtotalPriceSet?.shopMoney;
  if (!subtotal) throw new InvalidOrderError(orderId, 'subtotalPriceSet: required');
  const currency = subtotal.currencyCode;
  const lines = order.lineItems.nodes;
  let includedTaxMinor = 0;
  if (order.taxesIncluded) {
    // Tax on the items only: shipping's tax is not in the subtotal, and gift cards carry none.
    includedTaxMinor = lines.length
      ? lines.reduce((sum, line, i) => (line.isGiftCard ? sum : sum + line.taxLines.reduce((s, tax, j) => s + money(tax.priceSet.shopMoney.amount, currency, orderId, `lineItems.${i}.taxLines.${j}`), 0)), 0)
      : money(order.totalTaxSet?.shopMoney.amount ?? '0', currency, orderId, 'totalTaxSet');
  }
  const customer = order.customer ? customerDetails(order.customer, order.createdAt) : undefined;
  return {
    kind: 'order-paid',
    orderId,
    ...(customer ? { customerId: customer.customerId, customer } : {}),
    ...(!customer && order.email ? { guestEmail: order.email } : {}),
    at: utc(order.processedAt ?? order.createdAt),
    currency,
    subtotalMinor: money(subtotal.amount, currency, orderId, 'subtotalPriceSet'),
    giftCardMinor: giftCardsBought(lines, currency, orderId),
    taxesIncluded: order.taxesIncluded,
    includedTaxMinor,
    discountCodes: order.discountCodes,
    ...orderLines(lines, currency, orderId),
    ...orderOrigin({
      email: order.email,
      browserIp: order.clientIp,
      address: order.shippingAddress && { ...order.shippingAddress, countryCode: order.shippingAddress.countryCodeV2 },
      customerName: { first: order.customer?.firstName, last: order.customer?.lastName },
    }),
    ...(options.imported ? { imported: true as const } : {}),
  };
}

function refundCreated(refund: GraphqlOrder['refunds'][number], order: GraphqlOrder, orderId: string): RefundCreated {
  const nodes = refund.refundLineItems.nodes;
  const currency = nodes[0]?.subtotalSet.shopMoney.currencyCode;
  const lines = nodes.flatMap((line, i) => {
    if (line.lineItem?.isGiftCard) return [];
    const subtotal = line.subtotalSet.shopMoney.amount;
    const tax = line.totalTaxSet?.shopMoney.amount ?? '0';
    money(subtotal, currency ?? 'XXX', orderId, `refunds.${restId(refund.id)}.refundLineItems.${i}.subtotalSet`);
    money(tax, currency ?? 'XXX', orderId, `refunds.${restId(refund.id)}.refundLineItems.${i}.totalTaxSet`);
    return [{ subtotal: decimalText(subtotal), tax: decimalText(tax) }];
  });
  return {
    kind: 'refund-created',
    refundId: restId(refund.id),
    orderId,
    // A refund without a date (older records) is dated by the order's last update, its latest known instant.
    at: utc(refund.createdAt ?? order.updatedAt),
    ...(currency ? { currency } : {}),
    lines,
  };
}

/** The lines other than gift cards, each with its product and net amount, as `orders/paid` gives them (product campaigns). */
function orderLines(lines: GraphqlLineItem[], currency: string, orderId: string): { lines?: OrderPaid['lines'] } {
  const kept = lines.flatMap((line, i) => {
    if (line.isGiftCard) return [];
    const discounts = line.discountAllocations.reduce((sum, allocation, j) => sum + money(allocation.allocatedAmountSet.shopMoney.amount, currency, orderId, `lineItems.${i}.discountAllocations.${j}`), 0);
    const netMinor = Math.max(0, money(line.originalUnitPriceSet.shopMoney.amount, currency, orderId, `lineItems.${i}.originalUnitPriceSet`) * line.quantity - discounts);
    const productId = line.product ? /\/Product\/([0-9]+)/.exec(line.product.id)?.[1] : undefined;
    return [{ ...(productId ? { productId } : {}), netMinor }];
  });
  return kept.length ? { lines: kept } : {};
}

/** Gift-card lines bought: unit price times quantity, less the discounts allocated to them. */
function giftCardsBought(lines: GraphqlLineItem[], currency: string, orderId: string): number {
  let total = 0;
  lines.forEach((line, i) => {
    if (!line.isGiftCard) return;
    const discounts = line.discountAllocations.reduce((sum, allocation, j) => sum + money(allocation.allocatedAmountSet.shopMoney.amount, currency, orderId, `lineItems.${i}.discountAllocations.${j}`), 0);
    total += Math.max(0, money(line.originalUnitPriceSet.shopMoney.amount, currency, orderId, `lineItems.${i}.originalUnitPriceSet`) * line.quantity - discounts);
  });
  return total;
}

function customerDetails(customer: NonNullable<GraphqlOrder['customer']>, orderCreatedAt: string): CustomerDetails {
  const createdAt = customer.createdAt ?? customer.updatedAt ?? orderCreatedAt;
  const email = customer.defaultEmailAddress;
  const contact = {
    ...(email?.emailAddress ? { email: email.emailAddress } : {}),
    ...(customer.firstName ? { firstName: customer.firstName } : {}),
    ...(customer.lastName ? { lastName: customer.lastName } : {}),
    ...(customer.defaultPhoneNumber?.phoneNumber ? { phone: customer.defaultPhoneNumber.phoneNumber } : {}),
    // GraphQL's enum (`SUBSCRIBED`) in the webhooks' spelling (`subscribed`).
    ...(email?.marketingState ? { emailMarketing: email.marketingState.toLowerCase() } : {}),
    ...(email?.marketingUpdatedAt ? { emailMarketingUpdatedAt: utc(email.marketingUpdatedAt) } : {}),
    updatedAt: utc(customer.updatedAt ?? createdAt),
  };
  return { customerId: restId(customer.id), createdAt: utc(createdAt), contact };
}

function money(value: string, currency: string, orderId: string, path: string): number {
  let minor: number;
  try {
    minor = toMinorUnits(value, currency);
  } catch (cause) {
    if (cause instanceof InvalidAmountError) throw new InvalidOrderError(orderId, `${path} is not a money amount`);
    throw cause;
  }
  if (minor < 0) throw new InvalidOrderError(orderId, `${path} is negative`);
  return minor;
}

const utc = (timestamp: string): string => new Date(timestamp).toISOString();
