/**
 * Bulk operations of the Admin GraphQL API for the history import: start one
 * (`bulkOperationRunQuery`, objects grouped under their parents), ask how it goes
 * (`bulkOperation(id:)`, 2026-01 and later), and read its JSONL result a line at a time, from any
 * line on, putting each order back together with its line items and refund lines (which come as
 * lines of their own, naming their parent in `__parentId`).
 */
import type { Shop } from '../store/ports.ts';
import type { AdminGraphql, GraphqlFailure } from './admin-graphql-transport.ts';

export const BULK_RUN_MUTATION = `mutation bulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field code message }
  }
}`;

export const BULK_STATUS_QUERY = `query bulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}`;

export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';

export type BulkStart = { kind: 'started'; operationId: string } | GraphqlFailure;
export type BulkState = { kind: 'state'; status: BulkStatus; url?: string; errorCode?: string; objectCount?: number } | GraphqlFailure;

interface RunAnswer {
  bulkOperationRunQuery?: { bulkOperation?: { id: string; status: string } | null; userErrors?: { code?: string | null; message: string }[] } | null;
}
interface StatusAnswer {
  bulkOperation?: { id: string; status: BulkStatus; errorCode?: string | null; objectCount?: string | number | null; url?: string | null } | null;
}

/** Starts a bulk query; grouped output, so each order's children follow it before the next order. */
export async function startBulkQuery(admin: AdminGraphql, shop: Shop, query: string): Promise<BulkStart> {
  const answer = await admin.request<RunAnswer>(shop, BULK_RUN_MUTATION, { query, groupObjects: true });
  if (answer.kind !== 'ok') return answer;
  const payload = answer.data?.bulkOperationRunQuery;
  const id = payload?.bulkOperation?.id;
  if (id) return { kind: 'started', operationId: id };
  const errors = payload?.userErrors ?? [];
  // Another bulk query of ours still running: wait for a place rather than give up.
  if (errors.some((error) => error.code === 'OPERATION_IN_PROGRESS' || error.code === 'LIMIT_REACHED')) return { kind: 'retry', afterMs: 15 * 60_000, reason: errors.map((error) => error.message).join('; ') };
  return { kind: 'rejected', reason: errors.map((error) => `${error.code ?? 'ERROR'}: ${error.message}`).join('; ') || 'no bulk operation in the answer' };
}

export async function bulkOperationState(admin: AdminGraphql, shop: Shop, operationId: string): Promise<BulkState> {
  const answer = await admin.request<StatusAnswer>(shop, BULK_STATUS_QUERY, { id: operationId });
  if (answer.kind !== 'ok') return answer;
  const operation = answer.data?.bulkOperation;
  if (!operation) return { kind: 'rejected', reason: `no bulk operation ${operationId}` };
  return {
    kind: 'state',
    status: operation.status,
    ...(operation.url ? { url: operation.url } : {}),
    ...(operation.errorCode ? { errorCode: operation.errorCode } : {}),
    ...(operation.objectCount !== null && operation.objectCount !== undefined ? { objectCount: Number(operation.objectCount) } : {}),
  };
}

/** One order of the result, whole, and where it lies in the file. */
export interface BulkOrder {
  node: Record<string, unknown>;
  /** The line the order starts on (0-based). */
  line: number;
  /** The line the next order starts on: where a run that applied this one goes on. */
  nextLine: number;
}

/** The lines of a text body, as they arrive. */
export async function* linesOf(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

/**
 * The orders of a grouped JSONL result, from line `fromLine` on (which must start an order). A
 * line with `__parentId` belongs to the order above it: a line item, a refund, or a refund's line,
 * put where the paged query would have it (`lineItems.nodes`, `refunds`, `refundLineItems.nodes`).
 */
export async function* bulkOrders(lines: AsyncIterable<string>, fromLine = 0): AsyncGenerator<BulkOrder> {
  let current: { node: Record<string, any>; line: number; byId: Map<string, Record<string, any>> } | undefined;
  let index = -1;
  for await (const text of lines) {
    index++;
    if (index < fromLine || !text.trim()) continue;
    const object = JSON.parse(text) as Record<string, any>;
    const parentId = object.__parentId as string | undefined;
    if (parentId === undefined) {
      if (current) yield { node: current.node, line: current.line, nextLine: index };
      const node: Record<string, any> = { ...object, lineItems: { nodes: [] as unknown[] }, refunds: ((object.refunds as Record<string, any>[] | undefined) ?? []).map((refund) => ({ ...refund, refundLineItems: refund.refundLineItems ?? { nodes: [] } })) };
      current = { node, line: index, byId: new Map([[node.id, node], ...node.refunds.map((refund: Record<string, any>) => [refund.id, refund] as const)]) };
      continue;
    }
    const parent = current?.byId.get(parentId);
    if (!current || !parent) throw new Error(`line ${index + 1} names a parent (${parentId.slice(0, 80)}) that is not the order above it: the result is not grouped`);
    const { __parentId: _parent, ...child } = object;
    const kind = /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(String(child.id ?? ''))?.[1];
    if (kind === 'Refund') {
      const refund: Record<string, any> = { ...child, refundLineItems: { nodes: [] } };
      parent.refunds = [...(parent.refunds ?? []).filter((known: Record<string, any>) => known.id !== refund.id), refund];
      current.byId.set(refund.id as string, refund);
    } else if (kind === 'RefundLineItem' || parent !== current.node) {
      parent.refundLineItems.nodes.push(child);
    } else {
      parent.lineItems.nodes.push(child);
    }
  }
  if (current) yield { node: current.node, line: current.line, nextLine: index + 1 };
}
