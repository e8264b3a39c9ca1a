/**
 * The store credit outbox: a pending store credit reward is added to the customer's Shopify store
 * credit account now if possible, else retried later, with the coupon outbox's backoff.
 *
 * Never credited twice. A credit, unlike a discount code, leaves nothing in Shopify a retry could
 * collide with or look up for sure (no idempotency key for `storeCreditAccountCredit`, no
 * reference of ours on the transaction; matching the account's transactions by amount and time
 * could take a store owner's own credit for ours and leave the customer without theirs). So:
 * - each send is claimed first: the record is saved with one more attempt and `mayExistInShopify`
 *   on the condition that it is still pending at the attempts read, so of two runners only one
 *   sends, and a runner that dies after sending leaves a record that says Shopify may have it;
 * - a definite "not done" (connection refused, 429, 503, query-cost throttle, refused or missing
 *   token) clears the mark and the credit is tried again later;
 * - a definite refusal (user errors) makes it `failed` and gives the points back;
 * - anything else (a timeout, another 5xx, an unreadable answer, a crash) keeps the mark: the
 *   credit is never sent again and never refunded, and each outbox run that meets it logs
 *   `store credit needs a person` (at the longest backoff) until a person settles it by looking at
 *   the customer's store credit in Shopify.
 */
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { backoffMs, described, giveBack, MAX_ISSUE_ATTEMPTS, type OutboxLog } from './outbox.ts';

/** How long a claimed send keeps others off (far longer than the client's timeout). */
const CLAIM_MS = 5 * 60_000;
/** The outbox's longest backoff. */
const longestWaitMs = () => backoffMs(Number.MAX_SAFE_INTEGER);

export async function issueStoreCredit(store: LoyaltyStore, issuer: DiscountIssuer, credit: Coupon, shop: Shop, now: Date, log: OutboxLog): Promise<Coupon> {
  const attempts = credit.attempts + 1;
  if (credit.mayExistInShopify) {
    // An earlier send may have credited the customer: never again, never refunded.
    const waiting: Coupon = { ...credit, attempts, nextAttemptAt: new Date(now.getTime() + longestWaitMs()).toISOString() };
    if (!(await store.saveCoupon(waiting, 'pending', credit.attempts))) return (await store.getCoupon(credit.shop, credit.code)) ?? credit;
    log.warn('store credit needs a person', {
      ...described(waiting),
      reason: credit.lastError ?? 'an earlier send may have reached Shopify',
      mayExistInShopify: true,
      needsAttention: 'Shopify may already have added this credit; it is not sent again nor refunded until a person checks the customer’s store credit in Shopify',
    });
    return waiting;
  }
  if (!shop.active) {
    const { nextAttemptAt: _never, ...rest } = credit;
    return giveBack(store, { ...rest, status: 'failed', attempts, lastError: 'the shop uninstalled the app' }, credit, shop, now, log);
  }

  // The claim: only the runner whose conditional write wins sends, and its record says Shopify may have it.
  const claimed: Coupon = { ...credit, attempts, mayExistInShopify: true, nextAttemptAt: new Date(now.getTime() + CLAIM_MS).toISOString() };
  if (!(await store.saveCoupon(claimed, 'pending', credit.attempts))) return (await store.getCoupon(credit.shop, credit.code)) ?? credit;

  const result = await issuer.issue(credit, shop);
  if (result.kind === 'issued') {
    const { nextAttemptAt: _done, lastError: _cleared, mayExistInShopify: _known, ...rest } = claimed;
    const issued: Coupon = { ...rest, status: 'issued', shopifyDiscountId: result.discountId };
    return (await store.saveCoupon(issued, 'pending', attempts)) ? issued : ((await store.getCoupon(credit.shop, credit.code)) ?? issued);
  }
  // Only a definite refusal (or the last try of a credit Shopify certainly does not have) gives the points back.
  if (result.kind === 'rejected' || (attempts >= MAX_ISSUE_ATTEMPTS && !result.mayExist)) {
    const { nextAttemptAt: _never, mayExistInShopify: _not, ...rest } = claimed;
    return giveBack(store, { ...rest, status: 'failed', lastError: result.reason }, claimed, shop, now, log);
  }
  const mayExist = result.mayExist === true;
  const wait = mayExist ? longestWaitMs() : Math.max(result.afterMs, backoffMs(attempts));
  const { mayExistInShopify: _claim, ...unclaimed } = claimed;
  const waiting: Coupon = { ...unclaimed, lastError: result.reason, nextAttemptAt: new Date(now.getTime() + wait).toISOString(), ...(mayExist ? { mayExistInShopify: true as const } : {}) };
  if (!(await store.saveCoupon(waiting, 'pending', attempts))) return (await store.getCoupon(credit.shop, credit.code)) ?? waiting;
  log.warn(mayExist ? 'store credit needs a person' : 'store credit still pending', {
    ...described(waiting),
    reason: result.reason,
    nextAttemptAt: waiting.nextAttemptAt,
    ...(mayExist ? { mayExistInShopify: true, needsAttention: 'Shopify may have added this credit; it is not sent again nor refunded until a person checks the customer’s store credit in Shopify' } : {}),
  });
  return waiting;
}
