/**
 * Orders and bulk operations on the fake Admin API (`fake-shopify-admin.ts`), as Shopify answers
 * them: the orders query paged with opaque cursors over `updated_at:>=` and sorted by update, a
 * query cost per page (refused above the single-query limit) drawn from a leaky bucket that
 * empties (then THROTTLED), and bulk queries that are CREATED, then RUNNING, then COMPLETED on
 * later polls with a grouped JSONL file served by the same fake. What it is sent is checked: a
 * malformed filter, page size or bulk query is refused as Shopify would.
 */
import type { FakeShopifyAdmin, Send } from './fake-shopify-admin.ts';

/** A GraphQL order node, whole (every line item and refund line), as the tests write them. */
export type OrderNode = Record<string, any>;

export interface FakeOrders {
  /** The shop's orders, by gid. */
  orders: Map<string, OrderNode>;
  /** The cost bucket: each page costs what `pageCost` says; refilled at `restoreRate` a second. */
  bucket: { maximum: number; available: number; restoreRate: number };
  /** Throttle the next n order queries whatever the bucket holds. */
  throttleNext: number;
  /** Answer the next n order queries with a 503. */
  failNext: number;
  /** Order queries (numbered as `queries` counts them) answered THROTTLED whatever the bucket holds. */
  throttleCalls: number[];
  /** Order queries received so far. */
  queries: number;
  /** Polls a bulk operation takes from CREATED to COMPLETED. */
  pollsToComplete: number;
  bulk: Map<string, { query: string; status: string; polls: number; from: string; to: string; url?: string }>;
  /** Order query calls answered, with their variables. */
  pages: Record<string, any>[];
  put(node: OrderNode): void;
}

/** Cost of one order on a page, as the fake prices it (Shopify's varies with the fields and nested pages). */
export const ORDER_COST = 12;
const MAX_COST = 1000;

const FILTER = /^updated_at:>='(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)'$/;
const BULK_FILTER = /orders\(query: "created_at:>='([^']+)' AND created_at:<'([^']+)'", sortKey: CREATED_AT\)/;

export function addFakeOrders(fake: FakeShopifyAdmin, options: { maximum?: number; restoreRate?: number } = {}): FakeOrders {
  const state: FakeOrders = {
    orders: new Map(),
    bucket: { maximum: options.maximum ?? 2000, available: options.maximum ?? 2000, restoreRate: options.restoreRate ?? 100 },
    throttleNext: 0,
    failNext: 0,
    throttleCalls: [],
    queries: 0,
    pollsToComplete: 2,
    bulk: new Map(),
    pages: [],
    put: (node) => void state.orders.set(node.id, node),
  };
  let refilledAt = Date.now();
  let operations = 1;
  const refill = () => {
    const now = Date.now();
    state.bucket.available = Math.min(state.bucket.maximum, state.bucket.available + ((now - refilledAt) / 1000) * state.bucket.restoreRate);
    refilledAt = now;
  };
  const cost = (requested: number, actual: number | null) => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: { maximumAvailable: state.bucket.maximum, currentlyAvailable: Math.floor(state.bucket.available), restoreRate: state.bucket.restoreRate },
  });
  const refuse = (send: Send, message: string, code = 'BAD_REQUEST') => send(200, { errors: [{ message, extensions: { code } }] });
  const sorted = () => [...state.orders.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));

  fake.graphql.push(
    {
      matches: (query) => /\borders\(first: \$first, after: \$after, query: \$query, sortKey: UPDATED_AT\)/.test(query),
      answer: ({ query, variables }, send) => {
        for (const field of ['subtotalPriceSet', 'taxesIncluded', 'displayFinancialStatus', 'refundLineItems', 'isGiftCard', 'taxLines', 'updatedAt', 'pageInfo { hasNextPage endCursor }']) {
          if (!query.includes(field)) return refuse(send, `the orders query does not read ${field}`);
        }
        const first = variables.first;
        if (!Number.isInteger(first) || first < 1 || first > 250) return refuse(send, 'first must be between 1 and 250', 'BAD_REQUEST');
        const filter = FILTER.exec(String(variables.query ?? ''));
        if (!filter) return refuse(send, `unexpected search query ${JSON.stringify(variables.query)}`);
        const requested = 2 + first * ORDER_COST;
        if (requested > MAX_COST) return send(200, { errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_COST } }] });
        if (state.failNext > 0) {
          state.failNext--;
          return send(503, { errors: 'Service Unavailable' });
        }
        refill();
        state.queries++;
        if (state.throttleNext > 0 || state.throttleCalls.includes(state.queries) || state.bucket.available < requested) {
          if (state.throttleNext > 0) state.throttleNext--;
          return send(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: cost(requested, null) } });
        }
        let after: { updatedAt: string; id: string } | undefined;
        if (variables.after !== undefined && variables.after !== null) {
          try {
            after = JSON.parse(Buffer.from(String(variables.after), 'base64url').toString('utf8'));
          } catch {
            return refuse(send, 'Invalid cursor for current pagination sort.');
          }
        }
        const matching = sorted().filter((order) => order.updatedAt >= filter[1]! && (!after || order.updatedAt > after.updatedAt || (order.updatedAt === after.updatedAt && order.id > after.id)));
        const nodes = matching.slice(0, first);
        const actual = 2 + nodes.length * ORDER_COST;
        state.bucket.available -= actual;
        state.pages.push(variables);
        const lastNode = nodes.at(-1);
        const endCursor = lastNode ? Buffer.from(JSON.stringify({ updatedAt: lastNode.updatedAt, id: lastNode.id })).toString('base64url') : null;
        send(200, {
          data: { orders: { pageInfo: { hasNextPage: matching.length > nodes.length, endCursor }, nodes: nodes.map((node) => pagedNode(node)) } },
          extensions: { cost: cost(requested, actual) },
        });
      },
    },
    {
      matches: (query) => /\border\(id: \$id\)/.test(query) && query.includes('lineItems(first: 250, after: $after)'),
      answer: ({ variables }, send) => {
        const order = state.orders.get(variables.id);
        if (!order) return send(200, { data: { order: null } });
        const all = order.lineItems.nodes as unknown[];
        const start = Number(variables.after ?? 0);
        const nodes = all.slice(start, start + 250);
        send(200, { data: { order: { lineItems: { pageInfo: { hasNextPage: start + 250 < all.length, endCursor: String(start + 250) }, nodes } } } });
      },
    },
    {
      matches: (query) => query.includes('bulkOperationRunQuery('),
      answer: ({ variables }, send) => {
        const query = String(variables.query ?? '');
        const userError = (message: string) => send(200, { data: { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: ['query'], code: 'INVALID', message }] } } });
        if (variables.groupObjects !== true) return userError('the import expects grouped objects');
        if (/\(first:/.test(query)) return userError("Bulk queries cannot use 'first' on connections.");
        const range = BULK_FILTER.exec(query);
        if (!range || Number.isNaN(Date.parse(range[1]!)) || Number.isNaN(Date.parse(range[2]!))) return userError('unexpected orders filter');
        if ((query.match(/\bnodes\b|\bedges\b/g) ?? []).length > 5) return userError('at most five connections');
        const id = `gid://shopify/BulkOperation/${operations++}`;
        state.bulk.set(id, { query, status: 'CREATED', polls: 0, from: range[1]!, to: range[2]! });
        send(200, { data: { bulkOperationRunQuery: { bulkOperation: { id, status: 'CREATED' }, userErrors: [] } } });
      },
    },
    {
      matches: (query) => /\bbulkOperation\(id: \$id\)/.test(query),
      answer: ({ variables }, send) => {
        const operation = state.bulk.get(variables.id);
        if (!operation) return send(200, { data: { bulkOperation: null } });
        operation.polls++;
        if (operation.status === 'CREATED' || operation.status === 'RUNNING') operation.status = operation.polls >= state.pollsToComplete ? 'COMPLETED' : 'RUNNING';
        if (operation.status === 'COMPLETED' && operation.url === undefined) {
          const orders = [...state.orders.values()].filter((order) => order.createdAt >= operation.from && order.createdAt < operation.to).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
          const path = `/bulk/${encodeURIComponent(variables.id)}.jsonl`;
          fake.files.set(path, { body: orders.flatMap(jsonlLines).join('\n') + (orders.length ? '\n' : '') });
          operation.url = orders.length ? `${fake.url}${path}` : '';
        }
        send(200, {
          data: { bulkOperation: { id: variables.id, status: operation.status, errorCode: null, objectCount: '0', url: operation.status === 'COMPLETED' && operation.url ? operation.url : null, partialDataUrl: null } },
        });
      },
    },
  );
  return state;
}

/** An order as a page holds it: 50 line items at most, with their page info. */
function pagedNode(order: OrderNode): OrderNode {
  const lines = order.lineItems.nodes as unknown[];
  return { ...order, lineItems: { pageInfo: { hasNextPage: lines.length > 50, endCursor: lines.length > 50 ? '50' : null }, nodes: lines.slice(0, 50) } };
}

/** An order as grouped JSONL lines: the order (refunds inline, without their lines), its line items, its refund lines. */
function jsonlLines(order: OrderNode): string[] {
  const { lineItems, refunds, ...fields } = order;
  return [
    JSON.stringify({ ...fields, refunds: refunds.map(({ refundLineItems: _lines, ...refund }: OrderNode) => refund) }),
    ...lineItems.nodes.map((line: OrderNode) => JSON.stringify({ ...line, __parentId: order.id })),
    ...refunds.flatMap((refund: OrderNode) => refund.refundLineItems.nodes.map((line: OrderNode) => JSON.stringify({ ...line, __parentId: refund.id }))),
  ];
}

const bag = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

export interface SampleOrder {
  id: string | number;
  customerId?: string | number | null;
  createdAt: string;
  processedAt?: string;
  updatedAt?: string;
  cancelledAt?: string;
  status?: string;
  currency?: string;
  subtotal: string;
  taxesIncluded?: boolean;
  totalTax?: string;
  discountCodes?: string[];
  lines?: { price: string; quantity?: number; giftCard?: boolean; tax?: string; discount?: string; id?: number }[];
  refunds?: { id: string | number; createdAt: string; lines: { subtotal: string; tax?: string; giftCard?: boolean }[] }[];
  email?: string;
}

/** A GraphQL order node written from a few facts. */
export function sampleOrder(order: SampleOrder): OrderNode {
  const currency = order.currency ?? 'USD';
  let lineIds = 1;
  return {
    id: `gid://shopify/Order/${order.id}`,
    createdAt: order.createdAt,
    processedAt: order.processedAt ?? order.createdAt,
    updatedAt: order.updatedAt ?? order.processedAt ?? order.createdAt,
    cancelledAt: order.cancelledAt ?? null,
    displayFinancialStatus: order.status ?? 'PAID',
    currencyCode: currency,
    taxesIncluded: order.taxesIncluded ?? false,
    subtotalPriceSet: bag(order.subtotal, currency),
    totalTaxSet: bag(order.totalTax ?? '0.00', currency),
    discountCodes: order.discountCodes ?? [],
    customer:
      order.customerId === undefined || order.customerId === null
        ? null
        : {
            id: `gid://shopify/Customer/${order.customerId}`,
            createdAt: order.createdAt,
            updatedAt: order.createdAt,
            firstName: 'Ada',
            lastName: null,
            defaultEmailAddress: { emailAddress: order.email ?? `c${order.customerId}@example.com`, marketingState: 'SUBSCRIBED', marketingUpdatedAt: null },
            defaultPhoneNumber: null,
          },
    lineItems: {
      nodes: (order.lines ?? [{ price: order.subtotal }]).map((line) => ({
        id: `gid://shopify/LineItem/${line.id ?? `${order.id}${lineIds++}`}`,
        isGiftCard: line.giftCard ?? false,
        quantity: line.quantity ?? 1,
        originalUnitPriceSet: bag(line.price, currency),
        discountAllocations: line.discount ? [{ allocatedAmountSet: bag(line.discount, currency) }] : [],
        taxLines: line.tax ? [{ priceSet: bag(line.tax, currency) }] : [],
      })),
    },
    refunds: (order.refunds ?? []).map((refund) => ({
      id: `gid://shopify/Refund/${refund.id}`,
      createdAt: refund.createdAt,
      refundLineItems: {
        nodes: refund.lines.map((line, i) => ({
          id: `gid://shopify/RefundLineItem/${refund.id}${i}`,
          subtotalSet: bag(line.subtotal, currency),
          totalTaxSet: bag(line.tax ?? '0.00', currency),
          lineItem: { isGiftCard: line.giftCard ?? false },
        })),
      },
    })),
  };
}
