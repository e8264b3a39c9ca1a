/**
 * Store credit rewards in Shopify: `storeCreditAccountCredit` on the customer
 * (`gid://shopify/Customer/<id>`; Shopify opens the account in the shop's currency if the customer
 * has none), the reward's value in the shop's currency, and `expiresAt` when the reward has a
 * validity. Pure: the client in `admin-graphql.ts` sends it and sorts the transport's answers.
 *
 * Unlike a discount code, a credit carries nothing of ours that a retry could collide with
 * (Shopify offers no idempotency key for this mutation and no reference on the transaction), so
 * a second send after a lost answer would credit twice. The outbox (`rewards/issue-store-credit.ts`)
 * therefore sends a credit only while no earlier send may have reached Shopify.
 */
import { storeCreditAmount, type Coupon } from '../rewards/coupon.ts';

export const STORE_CREDIT_MUTATION = `mutation storeCreditAccountCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { id amount { amount currencyCode } }
    userErrors { field code message }
  }
}`;

/** The mutation's variables for a store credit reward record. */
export function storeCreditVariables(credit: Coupon): { id: string; creditInput: { creditAmount: { amount: string; currencyCode: string }; expiresAt?: string } } {
  return {
    id: `gid://shopify/Customer/${credit.customerId}`,
    creditInput: {
      creditAmount: { amount: storeCreditAmount(credit.reward.value ?? 0, credit.currency), currencyCode: credit.currency },
      ...(credit.expiresAt ? { expiresAt: credit.expiresAt } : {}),
    },
  };
}

interface StoreCreditPayload {
  storeCreditAccountTransaction?: { id: string } | null;
  userErrors?: { field?: string[] | null; code?: string | null; message: string }[];
}

/**
 * Shopify's answer to the mutation: credited (the transaction's id), refused (its user errors: the
 * only definite refusal), or an answer with neither, which may hide a credit and is never a refusal.
 */
export function storeCreditOutcome(
  payload: unknown,
): { kind: 'issued'; discountId: string } | { kind: 'rejected'; reason: string } | { kind: 'retry'; afterMs: number; reason: string; mayExist: true } {
  const answer = (payload ?? {}) as StoreCreditPayload;
  const id = answer.storeCreditAccountTransaction?.id;
  if (id) return { kind: 'issued', discountId: id };
  const errors = answer.userErrors ?? [];
  if (errors.length === 0) return { kind: 'retry', afterMs: 5 * 60_000, reason: 'Shopify answered with neither a store credit transaction nor an error', mayExist: true };
  return { kind: 'rejected', reason: errors.map((error) => `${error.code ?? 'ERROR'}: ${error.message}`).join('; ') };
}

/**
 * Whether a call Shopify did not answer clearly may still have been carried out: a timeout, a 5xx
 * other than 503 (unavailable: not taken), or a 200 whose body was not JSON. A refused connection,
 * a 429, a 503, a query-cost throttle or a refused token never reach the mutation.
 */
export function mayHaveActed(result: { mayExist?: true; status?: number }): boolean {
  if (result.mayExist) return true;
  if (result.status === undefined) return false;
  return result.status === 200 || (result.status >= 500 && result.status !== 503);
}
