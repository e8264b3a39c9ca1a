/**
 * The fake Admin API's products, for collection and tag campaigns: `collection(id:) { products }`
 * and `products(query: "tag:…")`, paged as Shopify pages them (`first` at most 250, `after` a
 * cursor it gave). It checks what it is sent like Shopify would: a collection id that is not a
 * Collection gid, a `first` over 250, an unknown cursor or a tag query that is not `tag:"…"` is an
 * error answer. `throttleNext` answers the next product calls THROTTLED.
 */
import { throttledAnswer, type FakeShopifyAdmin, type RecordedCall, type Send } from './fake-shopify-admin.ts';

export interface FakeProducts {
  /** Collection gid → its product ids (numeric). */
  collections: Map<string, string[]>;
  /** Tag → product ids (numeric). */
  tags: Map<string, string[]>;
  /** How many of the next product calls are throttled. */
  throttleNext: number;
  /** Product calls answered. */
  calls: RecordedCall[];
}

export function fakeProducts(fake: FakeShopifyAdmin, pageSize = 250): FakeProducts {
  const products: FakeProducts = { collections: new Map(), tags: new Map(), throttleNext: 0, calls: [] };
  const page = (ids: string[], after: unknown, first: unknown, send: Send, wrap: (connection: unknown) => unknown) => {
    if (typeof first === 'number' && first > 250) return send(200, { errors: [{ message: 'The first argument must be at most 250', extensions: { code: 'BAD_USER_INPUT' } }] });
    const start = after === null || after === undefined ? 0 : /^cursor:(\d+)$/.exec(String(after)) ? Number(/^cursor:(\d+)$/.exec(String(after))![1]) : -1;
    if (start < 0) return send(200, { errors: [{ message: 'Invalid cursor for current pagination.', extensions: { code: 'BAD_USER_INPUT' } }] });
    const slice = ids.slice(start, start + pageSize);
    const end = start + slice.length;
    const connection = { nodes: slice.map((id) => ({ id: `gid://shopify/Product/${id}` })), pageInfo: { hasNextPage: end < ids.length, endCursor: slice.length ? `cursor:${end}` : null } };
    send(200, { data: wrap(connection), extensions: { cost: { requestedQueryCost: 12, actualQueryCost: 12, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 } } } });
  };
  const throttled = (send: Send) => {
    if (products.throttleNext <= 0) return false;
    products.throttleNext--;
    send(200, throttledAnswer(12));
    return true;
  };
  fake.graphql.push(
    {
      matches: (query) => /\bcollection\s*\(\s*id:/.test(query) && query.includes('products(first: 250'),
      answer(call, send) {
        products.calls.push(call);
        if (throttled(send)) return;
        const id = call.variables.id;
        if (typeof id !== 'string' || !/^gid:\/\/shopify\/Collection\/\d+$/.test(id)) return send(200, { errors: [{ message: `Invalid global id '${String(id)}'`, extensions: { code: 'argumentLiteralsIncompatible' } }] });
        const ids = products.collections.get(id);
        if (!ids) return send(200, { data: { collection: null } });
        page(ids, call.variables.after, 250, send, (connection) => ({ collection: { id, title: 'Fake collection', products: connection } }));
      },
    },
    {
      matches: (query) => /\bproducts\s*\(\s*first:\s*250,\s*after:\s*\$after,\s*query:\s*\$query\s*\)/.test(query),
      answer(call, send) {
        products.calls.push(call);
        if (throttled(send)) return;
        const match = /^tag:"((?:[^"\\]|\\.)*)"$/.exec(String(call.variables.query));
        if (!match) return send(200, { errors: [{ message: 'query: expected tag:"…"', extensions: { code: 'BAD_USER_INPUT' } }] });
        const tag = match[1]!.replace(/\\(.)/g, '$1');
        page(products.tags.get(tag) ?? [], call.variables.after, 250, send, (connection) => ({ products: connection }));
      },
    },
  );
  return products;
}
