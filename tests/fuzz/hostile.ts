/**
 * Hostile input for the fuzz suites: arbitrary JSON and non-JSON text, numbers JSON.stringify
 * cannot write (NaN, 1e999, 30-digit integers), deep nesting, `__proto__` keys, invalid UTF-8,
 * and valid Shopify payloads with some of their fields replaced by such values.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { expect } from 'vitest';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import type { testService } from '../support/http.ts';

export type Service = Awaited<ReturnType<typeof testService>>;

/** A value written into JSON text as it is (`NaN`, `1e999`), where JSON.stringify would refuse or round it. */
const raw = (text: string) => `\u0000RAW:${text}\u0000`;

/** JSON text from a value that may hold raw tokens. */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'undefined').replace(/"\\u0000RAW:(.*?)\\u0000"/g, '$1');
}

export const hostileNumberText = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e999', '-1e999', '123456789012345678901234567890', '-0', '1e-400', '0.1e1', '0x10', '01');

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumberText.map(raw),
  fc.constantFrom(
    '1e308', '-1e308', 'NaN', 'Infinity', '-5.00', '-0.01', '', ' ', '0x1F', '1,000.00', '10.005', '９９', '1e2', '.5', '5.', '+5', '00001',
    '99999999999999.99', '999999999999.99', '999999999999999999999', '12345678901234567890123', '0', '-0', '1 000',
  ),
  fc.constantFrom(-1, -0.01, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e-300, 2 ** 64, 0.1 + 0.2),
  fc.constantFrom(null, true, false, [], {}, [[[[]]]], { __proto__: null, polluted: true }),
  fc.constantFrom(
    '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2026-02-30T00:00:00Z',
    '1', 'now', '2026-05-01T00:00:00+99:00', '2026-05-01T25:61:00Z',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.bigInt().map((n) => raw(n.toString())),
);

/** Arbitrary JSON values, including objects with `__proto__` and `constructor` keys. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'customer', 'order_id')), tie('value'), {
      maxKeys: 5,
      noNullPrototype: false,
    }),
  ),
})).value;

/** Bodies as bytes: JSON or not, deep, huge numbers, invalid UTF-8. */
export const hostileBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  hostileJsonValue.map(jsonText),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"id":1,"__proto__":{"polluted":1},"customer":{"__proto__":{"polluted":1},"id":2}}',
    `${'['.repeat(100_000)}`,
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
    '{"id": NaN}',
    '{"id": 1e999}',
    '',
    'null',
    '\u0000',
    '\ufeff{"id":1}',
  ),
  fc.uint8Array({ maxLength: 200 }),
  // Valid JSON around bytes that are not UTF-8 (a lone continuation byte, an overlong slash, a surrogate).
  fc.constantFrom([0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe]).map((bytes) => {
    const [head, tail] = ['{"id":1,"email":"a', '@example.com","created_at":"2026-05-01T00:00:00Z"}'];
    return new Uint8Array([...Buffer.from(head), ...bytes, ...Buffer.from(tail)]);
  }),
);

/** Sets `path` (dot separated; numbers index arrays) in a deep copy of `value`. */
export function withField(value: Json, path: string, field: unknown): Json {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  const keys = path.split('.');
  let at: any = copy;
  for (const key of keys.slice(0, -1)) {
    if (at[key] === null || typeof at[key] !== 'object') at[key] = /^\d+$/.test(key) ? [] : {};
    at = at[key];
  }
  at[keys.at(-1)!] = field;
  return copy;
}

const ORDER_PATHS = [
  'id', 'customer', 'customer.id', 'customer.created_at', 'customer.updated_at', 'customer.email', 'customer.email_marketing_consent', 'customer.email_marketing_consent.state',
  'created_at', 'processed_at', 'cancelled_at', 'currency', 'subtotal_price', 'subtotal_price_set', 'subtotal_price_set.shop_money', 'subtotal_price_set.shop_money.amount',
  'subtotal_price_set.shop_money.currency_code', 'taxes_included', 'total_tax', 'total_tax_set', 'line_items', 'line_items.0', 'line_items.0.tax_lines', 'line_items.0.tax_lines.0.price',
  'line_items.0.tax_lines.0.price_set.shop_money.amount', 'discount_codes', 'discount_codes.0', 'discount_codes.0.code',
];
const REFUND_PATHS = [
  'id', 'order_id', 'created_at', 'processed_at', 'refund_line_items', 'refund_line_items.0', 'refund_line_items.0.subtotal', 'refund_line_items.0.total_tax',
  'refund_line_items.0.subtotal_set.shop_money.amount', 'refund_line_items.0.subtotal_set.shop_money.currency_code', 'refund_line_items.1.subtotal',
];
const CUSTOMER_PATHS = ['id', 'email', 'first_name', 'created_at', 'updated_at', 'email_marketing_consent', 'email_marketing_consent.state', 'phone'];

export interface HostileDelivery {
  topic: string;
  body: string;
  orderId: number;
}

let ids = 0;

/** A valid payload of a topic with one to three of its fields replaced by hostile values. */
export const mutatedDelivery: fc.Arbitrary<HostileDelivery> = fc
  .record({
    topic: fc.constantFrom('orders/paid', 'orders/cancelled', 'refunds/create', 'customers/create', 'customers/update'),
    mutations: fc.array(fc.tuple(fc.nat(), hostileScalar), { minLength: 1, maxLength: 3 }),
  })
  .map(({ topic, mutations }) => {
    const orderId = 70_000 + ++ids;
    const at = '2026-05-01T10:00:00Z';
    const [base, paths]: [Json, string[]] =
      topic === 'refunds/create'
        ? [refund({ id: 90_000 + ids, orderId: 70_000 + (ids % 50) + 1, subtotal: 5.5, at, tax: '0.50' }), REFUND_PATHS]
        : topic.startsWith('customers/')
          ? [{ id: 60_000 + (ids % 20), email: 'c@example.com', created_at: at, updated_at: at }, CUSTOMER_PATHS]
          : [paidOrder({ id: orderId, customerId: 60_000 + (ids % 20), subtotal: '25.00', at, taxesIncluded: true, tax: '2.00' }), ORDER_PATHS];
    const body = mutations.reduce((value, [pick, field]) => withField(value, paths[pick % paths.length]!, field), base);
    return { topic, body: jsonText(body), orderId };
  });

export async function itemCount(service: Service): Promise<number> {
  const { Count } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, Select: 'COUNT', ConsistentRead: true }));
  return Count ?? 0;
}

/** Every answer below 500; every one that is not 2xx a problem+json. */
export async function expectAnswered(response: Response, what: string): Promise<void> {
  const text = await response.clone().text();
  expect(response.status, `${what}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 300) {
    expect(response.headers.get('content-type'), `${what}: ${text.slice(0, 300)}`).toContain('application/problem+json');
    const problem = JSON.parse(text) as { type?: unknown; status?: unknown };
    expect(problem.status).toBe(response.status);
    expect(String(problem.type)).toMatch(/^https:\/\/loyalty\.dev\/problems\//);
  }
}

/** Nothing has reached Object.prototype. */
export function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}
