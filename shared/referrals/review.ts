/**
 * The store owner's decision on a blocked referral: approve (the advocate is paid, once) or
 * cancel (nothing paid). Anything but a blocked referral answers 409 and changes nothing.
 */
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { ReferralNotBlockedError, ReferralNotFoundError } from './errors.ts';
import { advocateOf, type Referral } from './referral.ts';
import { approveReferral, cancelReferral } from './settle.ts';

export async function reviewReferral(store: LoyaltyStore, input: { shop: Shop; id: string; decision: 'approve' | 'cancel'; staff: string; now: Date }): Promise<Referral> {
  const advocateId = advocateOf(input.id);
  if (!advocateId) throw new ReferralNotFoundError(input.id);
  return retryOnConflict(async () => {
    const referral = await store.referrals.getReferral(input.shop.shop, advocateId, input.id);
    if (!referral) throw new ReferralNotFoundError(input.id);
    if (referral.status !== 'blocked') throw new ReferralNotBlockedError(referral.status);
    const advocate = input.decision === 'approve' ? await store.getMember(input.shop.shop, advocateId) : undefined;
    const settlement = input.decision === 'approve' ? approveReferral(referral, input.shop.program, advocate, input.staff, input.now) : cancelReferral(referral, input.staff, input.now);
    const saved = await store.referrals.settleReferral(settlement.referral, 'blocked', settlement.credit);
    // `stale`: decided meanwhile; the next read says how.
    return saved === 'saved' ? settlement.referral : 'conflict';
  });
}
