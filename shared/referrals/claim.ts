/**
 * A friend claims an advocate's code with an e-mail: a referral and a single-use welcome code,
 * written together, then created in Shopify at once (or by the coupon outbox later). Refused,
 * with nothing stored: an unknown code, the advocate themself (same customer, same or similar
 * e-mail), a signed-in customer who ordered already, an e-mail that has a welcome reward already.
 */
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { couponPrefix, randomCouponCode } from '../rewards/coupon-code.ts';
import { issueCoupon } from '../rewards/issue-coupons.ts';
import type { OutboxLog } from '../rewards/outbox.ts';
import type { Coupon } from '../rewards/coupon.ts';
import { AlreadyReferredError, ReferralsOffError, SelfReferralError, UnknownReferralCodeError } from './errors.ts';
import { identityReasons } from './fraud.ts';
import { friendKey, looksLikeReferralCode, newClaim, referralSettings, type Referral } from './referral.ts';

export interface ClaimRequest {
  shop: Shop;
  code: string;
  email: string;
  /** The signed-in customer claiming, if any. */
  friendCustomerId?: string;
  now: Date;
}

export interface ClaimAnswer {
  referral: Referral;
  coupon: Coupon;
  /** The same e-mail claimed this code before: the same welcome code again. */
  replayed: boolean;
}

const MAX_CODE_DRAWS = 5;

export async function claimReferral(store: LoyaltyStore, request: ClaimRequest, options: { issuer: DiscountIssuer; log?: OutboxLog }): Promise<ClaimAnswer> {
  const { shop, now } = request;
  if (!referralSettings(shop.program).enabled || !shop.active) throw new ReferralsOffError();
  const code = request.code.trim().toUpperCase();
  const found = looksLikeReferralCode(code) ? await store.referrals.findCode(shop.shop, code) : undefined;
  if (!found) throw new UnknownReferralCodeError(request.code);

  const key = friendKey(request.email);
  const earlier = await store.referrals.friendClaim(shop.shop, key);
  if (earlier) return replay(store, shop.shop, earlier.advocateId, earlier.referralId, found.customerId);

  const [advocate, friend] = await Promise.all([
    store.getMember(shop.shop, found.customerId),
    request.friendCustomerId ? store.getMember(shop.shop, request.friendCustomerId) : Promise.resolve(undefined),
  ]);
  const advocateName = [advocate?.contact.firstName, advocate?.contact.lastName].filter(Boolean).join(' ');
  const reasons = identityReasons(
    { customerId: found.customerId, ...(advocate?.contact.email ? { email: advocate.contact.email } : {}), ...(advocateName ? { name: advocateName } : {}) },
    {
      ...(request.friendCustomerId ? { customerId: request.friendCustomerId } : {}),
      emails: [request.email, friend?.contact.email],
      priorOrders: friend?.orderCount ?? 0,
    },
  );
  if (reasons.length) throw new SelfReferralError(reasons);

  const prefix = couponPrefix(shop.shop, shop.program.coupons.prefix);
  for (let attempt = 0; attempt < MAX_CODE_DRAWS; attempt++) {
    const { referral, coupon } = newClaim({
      shop: shop.shop,
      program: shop.program,
      currency: shop.currency ?? FALLBACK_CURRENCY,
      code: found,
      email: request.email,
      ...(request.friendCustomerId ? { friendCustomerId: request.friendCustomerId } : {}),
      couponCode: randomCouponCode(prefix),
      now,
    });
    const saved = await store.referrals.saveClaim(referral, coupon, key);
    if (saved === 'coupon-code-taken') continue;
    if (saved !== 'saved') return replay(store, shop.shop, saved.claimedBefore.advocateId, saved.claimedBefore.referralId, found.customerId);
    const issued = await issueCoupon(store, options.issuer, coupon, shop, now, options.log);
    return { referral, coupon: issued, replayed: false };
  }
  throw new Error('could not draw a free welcome code');
}

/** The e-mail claimed before: through this advocate, the same answer; through another, refused. */
async function replay(store: LoyaltyStore, shop: string, advocateId: string, referralId: string, askedAdvocate: string): Promise<ClaimAnswer> {
  if (advocateId !== askedAdvocate) throw new AlreadyReferredError();
  const referral = await store.referrals.getReferral(shop, advocateId, referralId);
  const coupon = referral && (await store.getCoupon(shop, referral.couponCode));
  if (!referral || !coupon) throw new AlreadyReferredError();
  return { referral, coupon, replayed: true };
}
