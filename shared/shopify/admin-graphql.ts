/**
 * Creating coupons as Shopify discount codes through the Admin GraphQL API: customer-restricted
 * (`context.customers`), single use, once per customer, ending when the coupon expires. Every
 * answer is sorted into issued, try again later (throttled, down, slow) or refused for good.
 */
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';
import type { Coupon } from '../rewards/coupon.ts';
import type { Shop } from '../store/ports.ts';
import { NO_COMBINATIONS } from '../program/program.ts';
import { AdminGraphql, type AdminClientOptions } from './admin-graphql-transport.ts';
import { mayHaveActed, STORE_CREDIT_MUTATION, storeCreditOutcome, storeCreditVariables } from './store-credit.ts';

export { ADMIN_API_VERSION, type AdminClientOptions } from './admin-graphql-transport.ts';

/**
 * `retry` with `mayExist`: Shopify may already have the discount (a create whose answer was lost,
 * or a code Shopify says is taken that the look-up does not find): such a coupon is never given up
 * and refunded, or the customer could have both the discount and the points.
 */
export type IssueResult =
  | { kind: 'issued'; discountId: string }
  | { kind: 'retry'; afterMs: number; reason: string; mayExist?: true; status?: number }
  | { kind: 'rejected'; reason: string };

/** The port: where coupons become real discounts. */
export interface DiscountIssuer {
  issue(coupon: Coupon, shop: Shop): Promise<IssueResult>;
}

const BASIC = `mutation discountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

const FREE_SHIPPING = `mutation discountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}`;

const BY_CODE = `query codeDiscountNodeByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}`;

/** The mutation and variables that create the coupon's discount. */
export function discountMutation(coupon: Coupon): { query: string; variables: Record<string, unknown>; field: string } {
  const money = (units: number) => formatMinorUnits(toMinorUnits(units, coupon.currency), coupon.currency);
  const common = {
    title: `Loyalty reward: ${coupon.reward.name} (${coupon.code})`,
    code: coupon.code,
    startsAt: coupon.createdAt,
    endsAt: coupon.expiresAt,
    // A referral's welcome code for a guest friend names no customer: single use, for any buyer.
    context: coupon.customerId ? { customers: { add: [`gid://shopify/Customer/${coupon.customerId}`] } } : { all: 'ALL' },
    usageLimit: 1,
    appliesOncePerCustomer: true,
    combinesWith: coupon.reward.combinesWith ?? NO_COMBINATIONS,
    ...(coupon.reward.minimumOrder ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: money(coupon.reward.minimumOrder) } } } : {}),
  };
  if (coupon.reward.kind === 'free_shipping') {
    return { query: FREE_SHIPPING, field: 'discountCodeFreeShippingCreate', variables: { freeShippingCodeDiscount: { ...common, destination: { all: true } } } };
  }
  const value =
    coupon.reward.kind === 'percentage'
      ? { percentage: (coupon.reward.value ?? 0) / 100 }
      : { discountAmount: { amount: money(coupon.reward.value ?? 0), appliesOnEachItem: false } };
  return { query: BASIC, field: 'discountCodeBasicCreate', variables: { basicCodeDiscount: { ...common, customerGets: { value, items: { all: true } } } } };
}

interface GraphQlAnswer {
  data?: Record<string, { codeDiscountNode?: { id: string } | null; userErrors?: { field?: string[] | null; code?: string | null; message: string }[] } | { id: string } | null>;
}

export class ShopifyAdminClient implements DiscountIssuer {
  private readonly graphql: AdminGraphql;
  constructor(private readonly options: AdminClientOptions) {
    this.graphql = new AdminGraphql(options);
  }

  async issue(coupon: Coupon, shop: Shop): Promise<IssueResult> {
    const token = await this.options.accessToken(shop);
    if (!token) return { kind: 'retry', afterMs: 15 * 60_000, reason: 'the shop has no working Admin API access token yet (its admin must open the app)' };
    if (coupon.reward.kind === 'store_credit') {
      // No code to find again after a lost answer: the outbox must know whether Shopify may have acted.
      const answer = await this.post(shop.shop, token, STORE_CREDIT_MUTATION, storeCreditVariables(coupon));
      if ('kind' in answer) return answer.kind === 'retry' && mayHaveActed(answer) ? { ...answer, mayExist: true } : answer;
      return storeCreditOutcome(answer.data?.storeCreditAccountCredit);
    }
    const mutation = discountMutation(coupon);
    const answer = await this.post(shop.shop, token, mutation.query, mutation.variables);
    if ('kind' in answer) return answer;
    const payload = answer.data?.[mutation.field] as { codeDiscountNode?: { id: string } | null; userErrors?: { code?: string | null; message: string }[] } | undefined;
    const created = payload?.codeDiscountNode?.id;
    if (created) return { kind: 'issued', discountId: created };
    const userErrors = payload?.userErrors ?? [];
    // A retry after a lost answer finds its own code taken: the discount exists, look it up.
    if (userErrors.some((error) => error.code === 'TAKEN')) {
      const lookup = await this.post(shop.shop, token, BY_CODE, { code: coupon.code });
      if ('kind' in lookup) return lookup.kind === 'retry' ? { ...lookup, mayExist: true } : { kind: 'retry', afterMs: 5 * 60_000, reason: `the code is TAKEN and its look-up failed: ${lookup.reason}`, mayExist: true };
      const existing = (lookup.data?.codeDiscountNodeByCode as { id: string } | null | undefined)?.id;
      if (existing) return { kind: 'issued', discountId: existing };
      // Taken, yet not found: our own earlier create may not show yet. Never a refusal (the points
      // would come back while the discount may exist): ask again later.
      return { kind: 'retry', afterMs: 5 * 60_000, reason: 'the code is TAKEN but no discount with it was found yet', mayExist: true };
    }
    return { kind: 'rejected', reason: userErrors.map((error) => `${error.code ?? 'ERROR'}: ${error.message}`).join('; ') || 'no discount in the answer' };
  }

  private async post(shop: string, token: string, query: string, variables: Record<string, unknown>): Promise<GraphQlAnswer | Exclude<IssueResult, { kind: 'issued' }>> {
    const outcome = await this.graphql.requestWith<GraphQlAnswer['data']>(shop, token, query, variables);
    return outcome.kind === 'ok' ? { data: outcome.data } : outcome;
  }
}
