/**
 * Orders from a shop's Admin GraphQL API for the reconciliation and the history import: a page of
 * orders updated since an instant (as large as the query cost allows: 250 at most, smaller when
 * Shopify prices the page above its single-query limit), each order completed with the line items
 * a page could not hold; and the history's bulk operation (start, state, result).
 */
import type { Shop } from '../store/ports.ts';
import type { AdminGraphql, GraphqlFailure, GraphqlOutcome } from './admin-graphql-transport.ts';
import { bulkOperationState, bulkOrders, linesOf, startBulkQuery, type BulkOrder, type BulkStart, type BulkState } from './bulk-operations.ts';
import { historyBulkQuery, ORDER_LINE_ITEMS_QUERY, ORDERS_QUERY, updatedSinceFilter } from './orders-query.ts';

export type OrdersPage = { kind: 'page'; nodes: unknown[]; endCursor?: string } | GraphqlFailure;

/** What the reconciliation and the history import read of Shopify (a port: tests may pass any). */
export interface OrderSource {
  /** Orders updated at or after `since`, oldest update first, after `cursor`. */
  updatedSince(shop: Shop, since: Date, cursor?: string): Promise<OrdersPage>;
  /** Starts the bulk export of the orders created in `[from, to)`. */
  startHistory(shop: Shop, from: Date, to: Date): Promise<BulkStart>;
  historyState(shop: Shop, operationId: string): Promise<BulkState>;
  /** The orders of a finished export's file, from line `fromLine` on. */
  historyOrders(url: string, fromLine: number): AsyncIterable<BulkOrder>;
}

/** Shopify's single-query cost limit; a page is sized to stay below it. */
const MAX_QUERY_COST = 1000;
const MAX_PAGE = 250;
/** Line items read of one order at most (Shopify allows a few thousand). */
const MAX_LINE_ITEMS = 5000;

interface Connection {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  nodes: Record<string, any>[];
}

export class ShopifyOrderSource implements OrderSource {
  /** Orders per page, per shop: grows and shrinks with what Shopify prices a page at. */
  private readonly pageSizes = new Map<string, number>();

  constructor(
    private readonly admin: AdminGraphql,
    private readonly fetchFile: typeof fetch = fetch,
  ) {}

  async updatedSince(shop: Shop, since: Date, cursor?: string): Promise<OrdersPage> {
    for (;;) {
      const first = this.pageSizes.get(shop.shop) ?? 50;
      const answer = await this.admin.request<{ orders: Connection }>(shop, ORDERS_QUERY, { first, query: updatedSinceFilter(since), ...(cursor ? { after: cursor } : {}) });
      if (answer.kind === 'rejected' && /MAX_COST_EXCEEDED|exceeds the single query max cost/i.test(answer.reason) && first > 1) {
        this.pageSizes.set(shop.shop, Math.max(1, Math.floor(first / 2)));
        continue;
      }
      if (answer.kind !== 'ok') return answer;
      const requested = answer.cost?.requestedQueryCost;
      if (requested) this.pageSizes.set(shop.shop, Math.max(1, Math.min(MAX_PAGE, Math.floor((first * MAX_QUERY_COST * 0.9) / requested))));
      const orders = answer.data?.orders;
      if (!orders || !Array.isArray(orders.nodes)) return { kind: 'rejected', reason: 'the answer has no orders' };
      const nodes: unknown[] = [];
      for (const node of orders.nodes) {
        const whole = await this.withAllLineItems(shop, node);
        if ('kind' in whole) return whole;
        nodes.push(whole.node);
      }
      return { kind: 'page', nodes, ...(orders.pageInfo?.hasNextPage && orders.pageInfo.endCursor ? { endCursor: orders.pageInfo.endCursor } : {}) };
    }
  }

  /** An order with more line items than a page reads gets the rest, page by page. */
  private async withAllLineItems(shop: Shop, node: Record<string, any>): Promise<{ node: Record<string, any> } | GraphqlFailure> {
    const first = node.lineItems as Connection | undefined;
    if (!first?.pageInfo?.hasNextPage) return { node };
    let lines: Connection = first;
    const nodes = [...lines.nodes];
    while (lines.pageInfo.hasNextPage && nodes.length < MAX_LINE_ITEMS) {
      const answer: GraphqlOutcome<{ order: { lineItems: Connection } | null }> = await this.admin.request<{ order: { lineItems: Connection } | null }>(shop, ORDER_LINE_ITEMS_QUERY, { id: node.id, after: lines.pageInfo.endCursor });
      if (answer.kind !== 'ok') return answer;
      if (!answer.data?.order) return { kind: 'rejected', reason: `order ${String(node.id).slice(0, 80)} is gone` };
      lines = answer.data.order.lineItems;
      nodes.push(...lines.nodes);
    }
    return { node: { ...node, lineItems: { nodes, pageInfo: { hasNextPage: false } } } };
  }

  startHistory(shop: Shop, from: Date, to: Date): Promise<BulkStart> {
    return startBulkQuery(this.admin, shop, historyBulkQuery(from, to));
  }

  historyState(shop: Shop, operationId: string): Promise<BulkState> {
    return bulkOperationState(this.admin, shop, operationId);
  }

  async *historyOrders(url: string, fromLine: number): AsyncIterable<BulkOrder> {
    const response = await this.fetchFile(url);
    if (!response.ok || !response.body) throw new Error(`the bulk operation's file answered ${response.status}`);
    yield* bulkOrders(linesOf(response.body), fromLine);
  }
}
