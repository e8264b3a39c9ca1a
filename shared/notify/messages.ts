/** Who may be written to, and what a message offers. */
import type { Member } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';
import type { Shop } from '../store/ports.ts';
import type { RewardOffer } from './notification.ts';

/**
 * Whether the member gets marketing mail (reminders, win-back) at all: the shop is active, there is
 * an address, and the customer opted in. Consent is opt-in: only Shopify's e-mail marketing state
 * `subscribed` counts; no state, `not_subscribed`, `pending` (double opt-in not confirmed yet),
 * `unsubscribed`, `redacted` and `invalid` all mean no mail.
 */
export function mayMessage(shop: Shop | undefined, member: Member): boolean {
  if (!shop?.active || !member.contact.email) return false;
  if (member.contact.emailMarketing?.toLowerCase() !== 'subscribed') return false;
  // Our own unsubscribe link holds until the customer's consent changes in Shopify after it.
  const { unsubscribedAt } = member;
  return !unsubscribedAt || (member.contact.emailMarketingUpdatedAt ?? '') > unsubscribedAt;
}

export function affordableRewards(program: Program, balance: number): RewardOffer[] {
  return program.rewards.filter((reward) => reward.cost <= balance).map(({ id, name, cost }) => ({ id, name, cost }));
}

/** The parts of every message that name the shop and the customer. */
export function addressing(shop: Shop, member: Member) {
  return {
    shop: shop.shop,
    customerId: member.customerId,
    shopName: shop.shop.split('.')[0]!,
    ...(shop.senderEmail ? { from: shop.senderEmail } : {}),
    ...(member.contact.email ? { email: member.contact.email } : {}),
    ...(member.contact.firstName ? { firstName: member.contact.firstName } : {}),
  };
}
