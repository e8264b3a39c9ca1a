/**
 * The store owner's referrals: `GET /admin/referrals?status=&limit=&cursor=` (newest first; by
 * default the blocked ones, which wait for a decision), `POST /admin/referrals/:id/approve` (the
 * advocate is paid, once) and `POST /admin/referrals/:id/cancel` (nothing paid). Approving or
 * cancelling anything but a blocked referral answers 409 and changes nothing.
 */
import { Hono } from 'hono';
import { newShop } from '../earning/shops.ts';
import { REFERRAL_STATUSES, referralView, type ReferralStatus } from '../referrals/referral.ts';
import { reviewReferral } from '../referrals/review.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem } from './problems.ts';

type ReferralsEnv = { Variables: { user: SessionUser; now: Date } };

const PAGE_DEFAULT = 50;
const PAGE_MAX = 100;

export function referralAdminRoutes(deps: ApiDeps) {
  const decide = (decision: 'approve' | 'cancel') => async (c: import('hono').Context<ReferralsEnv>) => {
    const { shop: domain, userId } = c.get('user');
    const now = c.get('now');
    const shop = (await deps.store.getShop(domain)) ?? newShop(domain, now);
    const referral = await reviewReferral(deps.store, { shop, id: c.req.param('id')!.slice(0, 200), decision, staff: `staff:${userId}`, now });
    deps.logger.info('referral reviewed', { shop: domain, referralId: referral.id, decision, status: referral.status, userId });
    return c.json(referralView(referral));
  };
  return new Hono<ReferralsEnv>()
    .get('/referrals', async (c) => {
      const statusText = c.req.query('status') ?? 'blocked';
      const status = statusText === 'all' ? undefined : statusText === 'pending' ? 'claimed' : statusText;
      if (status !== undefined && !REFERRAL_STATUSES.includes(status as ReferralStatus)) {
        throw new HttpProblem(400, 'invalid-request', `status is one of all, pending, ${REFERRAL_STATUSES.join(', ')}`);
      }
      const limitText = c.req.query('limit');
      const limit = limitText === undefined ? PAGE_DEFAULT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) throw new HttpProblem(400, 'invalid-request', `limit is a whole number from 1 to ${PAGE_MAX}`);
      const cursor = c.req.query('cursor') || undefined;
      const page = await deps.store.referrals.listReferrals(c.get('user').shop, { limit, ...(status ? { status: status as ReferralStatus } : {}), ...(cursor ? { cursor } : {}) });
      return c.json({ referrals: page.items.map(referralView), nextCursor: page.cursor ?? null });
    })
    .post('/referrals/:id/approve', decide('approve'))
    .post('/referrals/:id/cancel', decide('cancel'));
}
