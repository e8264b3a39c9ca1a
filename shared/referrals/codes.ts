/**
 * An advocate's referral code, made once: the first time a signed-in customer asks for it (the
 * storefront's or the account page's member answer) while the shop's referrals are on.
 */
import type { ReferralStore } from '../store/ports.ts';
import { randomReferralCode, referralUrl, type ReferralCode } from './referral.ts';

/** Draws again on a collision; eight tries at 31^8 codes never all collide in practice. */
const MAX_DRAWS = 8;

export async function advocateReferralCode(store: ReferralStore, shop: string, customerId: string, now: Date, draw: () => string = randomReferralCode): Promise<ReferralCode> {
  const existing = await store.advocateCode(shop, customerId);
  if (existing) return existing;
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const code: ReferralCode = { shop, code: draw(), customerId, createdAt: now.toISOString() };
    const created = await store.createAdvocateCode(code);
    if (created === 'created') return code;
    if (created === 'has-code') {
      const made = await store.advocateCode(shop, customerId);
      if (made) return made;
    }
  }
  throw new Error('could not draw a free referral code');
}

/** What the member answer carries: the code and the link to share. */
export function referralLink(code: ReferralCode) {
  return { code: code.code, url: referralUrl(code.shop, code.code) };
}
