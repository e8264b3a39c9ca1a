/**
 * Customers on the fake Admin API (`fake-shopify-admin.ts`), for the members import's email
 * look-ups: `customers(first:, query:)` answered from the shop's customers as Shopify would, with
 * the query checked first (a page size from 1 to 250, a search of `email:"…"` terms joined by
 * ` OR `; anything else is refused with a GraphQL error, as Shopify refuses a query it cannot run).
 * Shopify's search matches loosely, so the fake also answers a customer whose address only starts
 * with the one asked for: the client must keep exact matches only.
 */
import type { FakeShopifyAdmin, RecordedCall, Send } from './fake-shopify-admin.ts';

export interface FakeCustomers {
  /** The shop's customers: id (digits) → email. */
  customers: Map<string, string>;
  /** The `query` strings received, in order. */
  searches: string[];
  /** Answer the next n look-ups as THROTTLED. */
  throttleNext: number;
}

const TERM = /^email:"([^"\s]+)"$/;

export function addFakeCustomers(fake: FakeShopifyAdmin, customers: Record<string, string> = {}): FakeCustomers {
  const state: FakeCustomers = { customers: new Map(Object.entries(customers)), searches: [], throttleNext: 0 };
  fake.graphql.push({
    matches: (query) => /\bcustomers\s*\(/.test(query),
    answer(call: RecordedCall, send: Send) {
      const { first, query } = call.variables;
      if (!call.query.includes('defaultEmailAddress') || !call.query.includes('nodes')) return send(200, { errors: [{ message: "Field 'customers' needs a selection of nodes { id defaultEmailAddress { emailAddress } } in this fake" }] });
      if (!Number.isInteger(first) || first < 1 || first > 250) return send(200, { errors: [{ message: `Variable $first of type Int! was provided invalid value ${JSON.stringify(first)}: between 1 and 250` }] });
      if (typeof query !== 'string') return send(200, { errors: [{ message: 'Variable $query of type String! was provided invalid value' }] });
      const terms = query.split(' OR ');
      const asked = terms.map((term) => TERM.exec(term)?.[1]);
      if (asked.some((email) => email === undefined)) return send(200, { errors: [{ message: `Invalid search query: ${query}` }] });
      state.searches.push(query);
      const cost = { requestedQueryCost: 2 + first * 2, actualQueryCost: 2 + first * 2, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1900, restoreRate: 100 } };
      if (state.throttleNext > 0) {
        state.throttleNext--;
        return send(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions: { cost: { ...cost, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } } } });
      }
      const wanted = asked.map((email) => email!.toLowerCase());
      const nodes = [...state.customers]
        .filter(([, email]) => wanted.some((w) => email.toLowerCase().startsWith(w)))
        .slice(0, first)
        .map(([id, email]) => ({ id: `gid://shopify/Customer/${id}`, defaultEmailAddress: { emailAddress: email } }));
      send(200, { data: { customers: { nodes } }, extensions: { cost } });
    },
  });
  return state;
}
