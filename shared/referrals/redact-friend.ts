/**
 * `customers/redact` of a referral's friend: the friend's e-mail and name live on the advocate's
 * referral (not in the friend's own records, and a guest friend has none), so they are erased
 * there. The friend is found by the e-mail's hash, as a claim finds them; the referral keeps its
 * status, its ids and the hashed origin (no address or IP is kept in the clear).
 */
import type { ReferralStore } from '../store/ports/referrals.ts';
import { friendKey } from './referral.ts';
import type { Referral } from './types.ts';

export const REDACTED_EMAIL = 'redacted';

/** Whether a referral of this friend was found (and is now without their e-mail and name). */
export async function redactReferralFriend(store: Pick<ReferralStore, 'friendClaim' | 'getReferral' | 'settleReferral'>, shop: string, email: string): Promise<boolean> {
  const claim = await store.friendClaim(shop, friendKey(email));
  if (!claim) return false;
  for (let attempt = 0; attempt < 5; attempt++) {
    const referral = await store.getReferral(shop, claim.advocateId, claim.referralId);
    if (!referral) return false;
    const redacted = withoutFriend(referral);
    if (redacted === referral) return true;
    // Written only over the status it was read with: a settlement in between is read again.
    if ((await store.settleReferral(redacted, referral.status)) === 'saved') return true;
  }
  throw new Error(`the referral ${claim.referralId} of ${shop} kept changing while its friend was redacted; the delivery is retried`);
}

/** The referral without the friend's e-mail and name; the same object when there is nothing left to erase. */
export function withoutFriend(referral: Referral): Referral {
  const order = referral.order;
  if (referral.friendEmail === REDACTED_EMAIL && order?.email === undefined && order?.name === undefined) return referral;
  if (!order) return { ...referral, friendEmail: REDACTED_EMAIL };
  const { email: _email, name: _name, ...kept } = order;
  return { ...referral, friendEmail: REDACTED_EMAIL, order: kept };
}
