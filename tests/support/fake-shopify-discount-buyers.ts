/**
 * Who may use a discount code, checked as Shopify checks `DiscountContextInput`: exactly one of
 * `all: "ALL"` (any buyer: a referral's welcome code for a guest) or `customers.add` with customer
 * gids. Added to the fake Admin API (`fake.graphql`) for the referral tests: a valid create is
 * kept in `fake.discounts` like the fake's own; a malformed one is refused as Shopify refuses an
 * invalid variable, and creates nothing.
 */
import type { FakeShopifyAdmin } from './fake-shopify-admin.ts';

function contextProblem(context: unknown): string | undefined {
  if (!context || typeof context !== 'object') return 'context is required';
  const keys = Object.keys(context);
  if (keys.length !== 1) return `context takes exactly one of all, customers, customerSegments; got ${keys.join(', ') || 'none'}`;
  const value = (context as Record<string, any>)[keys[0]!];
  if (keys[0] === 'all') return value === 'ALL' ? undefined : `all must be ALL, got ${JSON.stringify(value)}`;
  if (keys[0] === 'customers') {
    const add = value?.add;
    return Array.isArray(add) && add.length > 0 && add.every((id: unknown) => typeof id === 'string' && /^gid:\/\/shopify\/Customer\/\d+$/.test(id)) ? undefined : 'customers.add must list customer gids';
  }
  return `unexpected context ${keys[0]}`;
}

export function checkDiscountBuyers(fake: FakeShopifyAdmin): void {
  let ids = 9000;
  fake.graphql.push({
    matches: (query) => query.includes('discountCodeBasicCreate') || query.includes('discountCodeFreeShippingCreate'),
    answer: (call, send) => {
      const mutation = call.query.includes('discountCodeFreeShippingCreate') ? 'discountCodeFreeShippingCreate' : 'discountCodeBasicCreate';
      const input = call.variables.basicCodeDiscount ?? call.variables.freeShippingCodeDiscount;
      const problem = contextProblem(input?.context);
      if (problem) return send(200, { errors: [{ message: `Variable $input was provided invalid value for context (${problem})`, extensions: { code: 'INVALID_VARIABLE' } }] });
      if (fake.discounts.has(input.code)) return send(200, { data: { [mutation]: { codeDiscountNode: null, userErrors: [{ field: ['code'], code: 'TAKEN', message: 'Code must be unique.' }] } } });
      const id = `gid://shopify/DiscountCodeNode/${ids++}`;
      fake.discounts.set(input.code, { id, input, mutation });
      send(200, { data: { [mutation]: { codeDiscountNode: { id }, userErrors: [] } } });
    },
  });
}
