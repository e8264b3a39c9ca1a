/**
 * `metafieldsSet` and `shop { id }` on the loopback fake Admin API (`fake-shopify-admin.ts`),
 * checking what Shopify checks: at most 25 metafields, owner ids as customer or shop gids, a
 * namespace and key of the allowed form, a known type, the value a string that fits the type. A
 * call with any error sets nothing (Shopify's mutation is atomic). It can be told to throttle, or
 * to refuse some owners (a customer Shopify does not have).
 */
import { throttledAnswer, type FakeShopifyAdmin, type RecordedCall, type Send } from './fake-shopify-admin.ts';

export const FAKE_SHOP_GID = 'gid://shopify/Shop/7001';

export interface MetafieldWrite {
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface FakeMetafields {
  /** Current values: owner id → `namespace.key` → the last write. */
  values: Map<string, Map<string, MetafieldWrite>>;
  /** Every `metafieldsSet` that set something, in order. */
  writes: MetafieldWrite[][];
  /** Behaviours of the next `metafieldsSet` calls, in order; `ok` once they run out. */
  next: ('ok' | 'throttle-cost' | 'throttle-429')[];
  /** Owners Shopify does not have: their metafields are refused (`INVALID_OWNER`). */
  unknownOwners: Set<string>;
  /** The value a member's key holds now (parsed for json), or undefined. */
  valueOf(ownerId: string, key: string): unknown;
  /** How many successful calls wrote this owner. */
  writesFor(ownerId: string): number;
}

const TYPES = new Set(['number_integer', 'single_line_text_field', 'json', 'date', 'boolean']);

export function fakeMetafields(fake: FakeShopifyAdmin): FakeMetafields {
  const state: FakeMetafields = {
    values: new Map(),
    writes: [],
    next: [],
    unknownOwners: new Set(),
    valueOf(ownerId, key) {
      const write = state.values.get(ownerId)?.get(`$app.${key}`);
      if (!write) return undefined;
      return write.type === 'json' ? JSON.parse(write.value) : write.type === 'number_integer' ? Number(write.value) : write.value;
    },
    writesFor: (ownerId) => state.writes.filter((call) => call.some((write) => write.ownerId === ownerId)).length,
  };
  const cost = { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } };

  fake.graphql.push({
    matches: (query) => /\bshop\s*\{\s*id\s*\}/.test(query) && !query.includes('metafieldsSet'),
    answer: (_call: RecordedCall, send: Send) => send(200, { data: { shop: { id: FAKE_SHOP_GID } }, extensions: { cost } }),
  });
  fake.graphql.push({
    matches: (query) => query.includes('metafieldsSet('),
    answer: (call: RecordedCall, send: Send) => {
      const behaviour = state.next.shift() ?? 'ok';
      if (behaviour === 'throttle-429') return send(429, { errors: 'Throttled' }, { 'retry-after': '2' });
      if (behaviour === 'throttle-cost') return send(200, throttledAnswer(10, 100));
      const metafields = call.variables.metafields;
      if (!Array.isArray(metafields)) return send(200, { errors: [{ message: 'Variable $metafields of type [MetafieldsSetInput!]! was provided invalid value' }] });
      if (metafields.length > 25) {
        return send(200, { data: { metafieldsSet: { metafields: null, userErrors: [{ field: ['metafields'], message: 'Exceeded the maximum metafields input limit of 25.', code: 'LESS_THAN_OR_EQUAL_TO' }] } } });
      }
      const userErrors: { field: string[]; message: string; code: string }[] = [];
      metafields.forEach((input: Record<string, unknown>, index: number) => {
        const problem = (field: string, code: string, message: string) => userErrors.push({ field: ['metafields', String(index), field], message, code });
        const { ownerId, namespace, key, type, value } = input;
        if (typeof ownerId !== 'string' || !/^gid:\/\/shopify\/(Customer|Shop)\/\d+$/.test(ownerId)) return problem('ownerId', 'INVALID_OWNER', 'Owner does not exist.');
        if (state.unknownOwners.has(ownerId)) return problem('ownerId', 'INVALID_OWNER', 'Owner does not exist.');
        if (typeof namespace !== 'string' || !/^(\$app(:[A-Za-z0-9_-]+)?|[A-Za-z0-9_-]{3,255})$/.test(namespace)) return problem('namespace', 'INVALID', 'Namespace is invalid.');
        if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{2,64}$/.test(key)) return problem('key', 'INVALID', 'Key is invalid.');
        if (typeof type !== 'string' || !TYPES.has(type)) return problem('type', 'INVALID_TYPE', 'Type is invalid.');
        if (typeof value !== 'string') return problem('value', 'INVALID_VALUE', 'Value must be a string.');
        if (type === 'number_integer' && !/^-?\d+$/.test(value)) return problem('value', 'INVALID_VALUE', 'Value must be an integer.');
        if (type === 'json') {
          try {
            JSON.parse(value);
          } catch {
            return problem('value', 'INVALID_VALUE', 'Value is invalid JSON.');
          }
        }
        if (type === 'single_line_text_field' && value.includes('\n')) return problem('value', 'INVALID_VALUE', 'Value must be a single line.');
      });
      if (userErrors.length) return send(200, { data: { metafieldsSet: { metafields: null, userErrors } }, extensions: { cost } });
      const written: MetafieldWrite[] = metafields.map(({ ownerId, namespace, key, type, value }: MetafieldWrite) => ({ ownerId, namespace, key, type, value }));
      for (const write of written) {
        const owner = state.values.get(write.ownerId) ?? new Map<string, MetafieldWrite>();
        owner.set(`${write.namespace}.${write.key}`, write);
        state.values.set(write.ownerId, owner);
      }
      state.writes.push(written);
      send(200, { data: { metafieldsSet: { metafields: written.map(({ key, namespace, ownerId }) => ({ key, namespace, ownerType: ownerId.includes('/Shop/') ? 'SHOP' : 'CUSTOMER' })), userErrors: [] } }, extensions: { cost } });
    },
  });
  return state;
}
