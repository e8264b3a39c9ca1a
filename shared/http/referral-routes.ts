/**
 * The storefront's side of referrals, behind the door's proof (App Proxy signature, or the
 * customer account token): the member's own link (`referral` on `GET /member`) and
 * `POST /referrals` `{"code", "email"}`, where a friend (a guest, or signed in) claims the
 * welcome code: 201 with the code; 404 for an unknown code; 422 for a bad e-mail; 409 for the
 * advocate themself, a customer who ordered already, or an e-mail rewarded by another referral.
 * Refused claims store nothing. At most 10 claims an hour per e-mail and per code.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { claimReferral } from '../referrals/claim.ts';
import { advocateReferralCode, referralLink } from '../referrals/codes.ts';
import { friendKey, referralSettings } from '../referrals/referral.ts';
import type { Shop } from '../store/ports.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import type { MemberEnv } from './member-env.ts';
import { HttpProblem, problem } from './problems.ts';
import { enforceRateLimit, type RateLimit } from './rate-limits.ts';

export const REFERRAL_CLAIM_LIMIT: RateLimit = { action: 'referral-claim', limit: 10, windowSeconds: 3600 };

const ClaimBodySchema = z.object({ code: z.string().check(z.maxLength(40)), email: z.string().check(z.maxLength(320)) });
/** An address a shop could write to: one @, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

/** The member's `referral` (`code`, `url`) when the shop's referrals are on; made on first ask. */
export async function memberReferral(deps: ApiDeps, shop: Shop, customerId: string, now: Date) {
  if (!referralSettings(shop.program).enabled) return {};
  return { referral: referralLink(await advocateReferralCode(deps.store.referrals, shop.shop, customerId, now)) };
}

/** What the public program says of referrals while they are on: the friend's welcome reward. */
export function publicReferrals(shop: Shop) {
  const settings = referralSettings(shop.program);
  if (!settings.enabled) return {};
  const { name, kind, value, minimumOrder } = settings.friendReward;
  return { referrals: { friendReward: { name, kind, ...(value !== undefined ? { value } : {}), ...(minimumOrder !== undefined ? { minimumOrder } : {}) } } };
}

export function referralClaimRoutes(deps: ApiDeps) {
  return new Hono<MemberEnv>().post(
    '/referrals',
    bodyLimit({ maxSize: 4 * 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'a claim is {"code": "...", "email": "..."}') }),
    async (c) => {
      const parsed = ClaimBodySchema.safeParse(await jsonBody(c.req.raw));
      if (!parsed.success) throw new HttpProblem(400, 'invalid-request', 'the body must be {"code": "...", "email": "..."}');
      const email = parsed.data.email.trim();
      if (!EMAIL.test(email)) {
        throw new HttpProblem(422, 'invalid-request', 'the e-mail address is not one a shop can write to', { problems: [{ path: 'email', message: 'Enter an e-mail address like name@example.com.' }] });
      }
      const shop = c.get('shop');
      const now = c.get('now');
      // Keyed by the e-mail's hash: the rate-limit item holds no address.
      await enforceRateLimit(deps.store, shop.shop, `email:${friendKey(email)}`, REFERRAL_CLAIM_LIMIT, now);
      await enforceRateLimit(deps.store, shop.shop, `code:${parsed.data.code.trim().toUpperCase().slice(0, 20)}`, REFERRAL_CLAIM_LIMIT, now);
      const customerId = c.get('customerId');
      const { coupon, referral, replayed } = await claimReferral(
        deps.store,
        { shop, code: parsed.data.code, email, ...(customerId ? { friendCustomerId: customerId } : {}), now },
        { issuer: deps.discounts, log: deps.logger },
      );
      deps.logger.info('referral claimed', { shop: shop.shop, referralId: referral.id, replayed, status: coupon.status });
      if (replayed) c.header('idempotent-replayed', 'true');
      return c.json({ code: coupon.code, reward: coupon.reward, expiresAt: coupon.expiresAt, status: coupon.status, currency: coupon.currency }, 201);
    },
  );
}
