/**
 * A person settles a reward the outbox cannot: one Shopify may already have (a store credit or a
 * code whose answer was lost), which the outbox never sends again and never refunds. The store
 * owner looks in Shopify and says which it is: there (`issued`), or not there (`not-issued`: its
 * points come back, as for a reward Shopify refused).
 */
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { Coupon } from './coupon.ts';
import { giveBack, type OutboxLog } from './outbox.ts';

export type Settlement = 'issued' | 'not-issued';

/** Only a pending reward that Shopify may have waits for a person; any other is settled already. */
export class NotAwaitingSettlementError extends Error {
  readonly type = 'not-awaiting-settlement';
  constructor(
    readonly code: string,
    readonly status: string,
  ) {
    super(`reward ${code} is ${status === 'pending' ? 'still being sent to Shopify' : status}: there is nothing to settle`);
    this.name = 'NotAwaitingSettlementError';
  }
}

export async function settleReward(store: LoyaltyStore, reward: Coupon, shop: Shop, outcome: Settlement, now: Date, log: OutboxLog): Promise<Coupon> {
  if (reward.status !== 'pending' || !reward.mayExistInShopify) throw new NotAwaitingSettlementError(reward.code, reward.status);
  const { nextAttemptAt: _next, mayExistInShopify: _maybe, ...rest } = reward;
  if (outcome === 'issued') {
    const { lastError: _cleared, ...settled } = rest;
    const issued: Coupon = { ...settled, status: 'issued' };
    if (!(await store.saveCoupon(issued, 'pending'))) throw new NotAwaitingSettlementError(reward.code, 'settled by someone else');
    return issued;
  }
  const failed: Coupon = { ...rest, status: 'failed', lastError: 'not in Shopify, as the store owner checked' };
  const after = await giveBack(store, failed, reward, shop, now, log);
  // `giveBack` answers the coupon as read when it was no longer pending: settled meanwhile.
  if (after.status !== 'failed') throw new NotAwaitingSettlementError(reward.code, 'settled by someone else');
  return after;
}
