/**
 * What the service's log lines say about a store's activity: ids and numbers only. No name,
 * e-mail address, phone number, address, IP address or free text a customer or client wrote.
 */
import type { Shop } from '../store/ports.ts';

const REWARD_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A redemption's facts: shop, customer id, reward id (only if it has a reward id's form) and the points it costs. */
export function redemptionFacts(shop: Shop, customerId: string, rewardId: string) {
  const reward = shop.program.rewards.find((r) => r.id === rewardId);
  return { shop: shop.shop, customerId, rewardId: REWARD_ID.test(rewardId) ? rewardId : undefined, points: reward?.cost };
}
