/**
 * A small fake of Shopify's Admin GraphQL API on loopback: it checks the path, the access token
 * and the mutation, keeps the discount codes it created, and can be told to throttle, fail, or
 * create a discount and then lose the answer (hang past the client's timeout), or answer that the
 * code is taken while its look-up finds nothing (`taken`: a create of ours that Shopify has but does
 * not show yet).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | 'throttle-429' | 'throttle-cost' | 'error-500' | 'unavailable-503' | 'create-then-hang' | 'user-error' | 'taken';

/** A store credit the fake added (`storeCreditAccountCredit`), as it was sent. */
export interface FakeStoreCredit {
  id: string;
  /** The owner's id as sent: `gid://shopify/Customer/<id>`. */
  owner: string;
  amount: string;
  currencyCode: string;
  expiresAt?: string;
}

export interface RecordedCall {
  token: string | undefined;
  query: string;
  variables: Record<string, any>;
}

export interface FakeShopifyAdmin {
  url: string;
  token: string;
  calls: RecordedCall[];
  /** Codes that exist as discounts in the fake shop. */
  discounts: Map<string, { id: string; input: Record<string, any>; mutation: string }>;
  /** Store credits added, in order: a credit added twice shows twice. */
  credits: FakeStoreCredit[];
  /** Behaviours for the next calls, in order; `ok` once they run out. */
  next: Behaviour[];
  /** Answers `POST /admin/oauth/access_token` on this same server when set (`fake-shopify-oauth.ts`). */
  oauth?: (body: string, send: (status: number, payload: unknown) => void) => void;
  /**
   * More of the Admin GraphQL API, added by other fakes (metafields, Flow, orders, bulk operations):
   * the first handler whose `matches` is true answers a call whose token is right, before the
   * discount and store credit handlers.
   */
  graphql: GraphqlHandler[];
  /** Other GETs on this server (a bulk operation's result file): path → answer. */
  files: Map<string, { status?: number; contentType?: string; body: string }>;
  close(): Promise<void>;
}

export type Send = (status: number, payload: unknown, headers?: Record<string, string>) => void;

export interface GraphqlHandler {
  matches(query: string): boolean;
  answer(call: RecordedCall, send: Send): void;
}

/** A cost-throttled answer as Shopify gives it (HTTP 200, `THROTTLED`, the bucket's state). */
export function throttledAnswer(requestedQueryCost = 10, restoreRate = 100): unknown {
  return {
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
    extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate } } },
  };
}

export async function startFakeShopifyAdmin(token = 'shpat_test_token'): Promise<FakeShopifyAdmin> {
  const fake = { calls: [] as RecordedCall[], discounts: new Map(), credits: [] as FakeStoreCredit[], next: [] as Behaviour[], token, graphql: [], files: new Map() } as unknown as FakeShopifyAdmin;
  let ids = 1000;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(payload));
      };
      if (request.method === 'POST' && request.url === '/admin/oauth/access_token' && fake.oauth) return fake.oauth(body, send);
      const file = request.method === 'GET' ? fake.files.get(request.url ?? '') : undefined;
      if (file) {
        response.writeHead(file.status ?? 200, { 'content-type': file.contentType ?? 'application/jsonl' });
        return response.end(file.body);
      }
      if (request.method !== 'POST' || request.url !== '/admin/api/2026-10/graphql.json') return send(404, { errors: 'Not Found' });
      const givenToken = request.headers['x-shopify-access-token'] as string | undefined;
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, any> };
      fake.calls.push({ token: givenToken, query, variables });
      if (givenToken !== fake.token) return send(401, { errors: '[API] Invalid API key or access token' });
      const handler = fake.graphql.find((candidate) => candidate.matches(query));
      if (handler) return handler.answer(fake.calls.at(-1)!, send);

      if (query.includes('codeDiscountNodeByCode')) {
        const found = fake.discounts.get(variables.code);
        return send(200, { data: { codeDiscountNodeByCode: found ? { id: found.id } : null } });
      }
      if (query.includes('storeCreditAccountCredit')) return storeCredit(variables);
      const mutation = query.includes('discountCodeFreeShippingCreate') ? 'discountCodeFreeShippingCreate' : 'discountCodeBasicCreate';
      const input = variables.basicCodeDiscount ?? variables.freeShippingCodeDiscount;
      const behaviour = fake.next.shift() ?? 'ok';
      switch (behaviour) {
        case 'throttle-429':
          return send(429, { errors: 'Throttled' }, { 'retry-after': '2' });
        case 'throttle-cost':
          return send(200, {
            errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
            extensions: { cost: { requestedQueryCost: 10, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } } },
          });
        case 'error-500':
          return send(500, { errors: 'Internal Server Error' });
        case 'unavailable-503':
          return send(503, { errors: 'Service Unavailable' });
        case 'taken':
          return send(200, { data: { [mutation]: { codeDiscountNode: null, userErrors: [{ field: ['basicCodeDiscount', 'code'], code: 'TAKEN', message: 'Code must be unique. Please try a different code.' }] } } });
        case 'user-error':
          return send(200, { data: { [mutation]: { codeDiscountNode: null, userErrors: [{ field: ['basicCodeDiscount', 'customerGets'], code: 'INVALID', message: 'Value is invalid' }] } } });
      }
      if (fake.discounts.has(input.code)) {
        return send(200, { data: { [mutation]: { codeDiscountNode: null, userErrors: [{ field: ['code'], code: 'TAKEN', message: 'Code must be unique.' }] } } });
      }
      const id = `gid://shopify/DiscountCodeNode/${ids++}`;
      fake.discounts.set(input.code, { id, input, mutation });
      if (behaviour === 'create-then-hang') return; // the discount exists; the answer never comes
      send(200, { data: { [mutation]: { codeDiscountNode: { id }, userErrors: [] } } });

      /** Checks what Shopify checks (a customer gid, a positive decimal amount, a currency code), then credits. */
      function storeCredit(variables: Record<string, any>) {
        const refuse = (code: string, message: string) => send(200, { data: { storeCreditAccountCredit: { storeCreditAccountTransaction: null, userErrors: [{ field: ['creditInput'], code, message }] } } });
        const behaviour = fake.next.shift() ?? 'ok';
        if (behaviour === 'throttle-429') return send(429, { errors: 'Throttled' }, { 'retry-after': '2' });
        if (behaviour === 'error-500') return send(500, { errors: 'Internal Server Error' });
        if (behaviour === 'unavailable-503') return send(503, { errors: 'Service Unavailable' });
        if (behaviour === 'user-error') return refuse('UNSUPPORTED_CURRENCY', 'The currency provided is not currently supported.');
        const owner = String(variables.id ?? '');
        const { creditAmount, expiresAt } = variables.creditInput ?? {};
        if (!/^gid:\/\/shopify\/Customer\/\d+$/.test(owner)) return refuse('OWNER_NOT_FOUND', 'Owner does not exist.');
        if (typeof creditAmount?.amount !== 'string' || !/^\d+(\.\d+)?$/.test(creditAmount.amount) || Number(creditAmount.amount) <= 0) return refuse('NEGATIVE_OR_ZERO_AMOUNT', 'A positive amount must be used to credit a store credit account.');
        if (!/^[A-Z]{3}$/.test(String(creditAmount.currencyCode))) return refuse('UNSUPPORTED_CURRENCY', 'The currency provided is not currently supported.');
        const id = `gid://shopify/StoreCreditAccountCreditTransaction/${ids++}`;
        fake.credits.push({ id, owner, amount: creditAmount.amount, currencyCode: creditAmount.currencyCode, ...(expiresAt ? { expiresAt } : {}) });
        if (behaviour === 'create-then-hang') return; // credited; the answer never comes
        send(200, { data: { storeCreditAccountCredit: { storeCreditAccountTransaction: { id, amount: creditAmount }, userErrors: [] } } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
