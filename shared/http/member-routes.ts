/**
 * What a customer sees of the program and of their own standing, whichever door they come
 * through: the storefront's App Proxy (`/proxy/*`) or the customer account extension
 * (`/customer/*`). Each door brings its own proof of who is asking, as a middleware that sets the
 * shop, the customer (none for a guest) and the request's instant; the answers are the same.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import type { LedgerEntry } from '../ledger/types.ts';
import { isLocaleTag, requestedLocales } from '../program/content.ts';
import { RewardsError } from '../rewards/errors.ts';
import { redeemReward } from '../rewards/redeem-reward.ts';
import { retryOnConflict } from '../store/retry.ts';
import { redemptionFacts } from './activity-log.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import { HttpProblem, problem } from './problems.ts';
import { memberReferral, publicReferrals, referralClaimRoutes } from './referral-routes.ts';
import { enforceRateLimit, FEEDBACK_LIMIT, REDEMPTION_LIMIT } from './rate-limits.ts';
import { memberView, publicProgram } from './views.ts';
import { runningCampaignsView } from './campaign-views.ts';
import { birthdayRoutes } from './birthday-routes.ts';
import type { MemberEnv } from './member-env.ts';

/** What the door's middleware sets: who asks, in which shop, and when. */
export type { MemberEnv };
/** The door's proof of who is asking: it sets `shop`, `customerId` and `now`, or throws. */
export type IdentifyCustomer = MiddlewareHandler<MemberEnv>;

const ACTIVITY_PAGE_DEFAULT = 20;
const ACTIVITY_PAGE_MAX = 100;

/** Routes that need a signed-in customer answer 401 to a guest. */
const memberOnly = createMiddleware<MemberEnv>(async (c, next) => {
  if (!c.get('customerId')) throw new HttpProblem(401, 'not-a-member', 'sign in to the store to see your points');
  await next();
});

/**
 * `GET /program`, `GET /member`, `GET /member/activity`, `POST /member/redemptions` and
 * `POST /member/feedback`, behind `identify`. Further routes chained on the answer are behind it too.
 */
export function memberRoutes(deps: ApiDeps, identify: IdentifyCustomer) {
  return new Hono<MemberEnv>()
    .use(identify)
    // A friend claims a member's referral code (docs/referrals.md).
    .route('/', referralClaimRoutes(deps))
    // The member's birthday (docs/birthdays-and-guests.md).
    .route('/', birthdayRoutes(deps))
    // The bonus campaigns running now ride along (read through the container's short cache).
    .get('/program', async (c) => c.json({ ...publicProgram(c.get('shop'), customerLocales(c)), ...publicReferrals(c.get('shop')), campaigns: runningCampaignsView(await deps.store.recentCampaigns(c.get('shop').shop, c.get('now')), c.get('now')) }))
    .get('/member', memberOnly, async (c) => {
      const shop = c.get('shop');
      const customerId = c.get('customerId')!;
      const [member, lots, referral] = await Promise.all([deps.store.getMember(shop.shop, customerId), deps.store.activeLots(shop.shop, customerId), memberReferral(deps, shop, customerId, c.get('now'))]);
      return c.json({ ...memberView(shop, customerId, member, lots, c.get('now'), customerLocales(c)), ...referral, campaigns: runningCampaignsView(await deps.store.recentCampaigns(shop.shop, c.get('now')), c.get('now')) });
    })
    .get('/member/activity', memberOnly, async (c) => {
      const shop = c.get('shop');
      const limitText = c.req.query('limit');
      const limit = limitText === undefined ? ACTIVITY_PAGE_DEFAULT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > ACTIVITY_PAGE_MAX) {
        throw new HttpProblem(400, 'invalid-request', `limit is a whole number from 1 to ${ACTIVITY_PAGE_MAX}`);
      }
      const cursor = c.req.query('cursor') || undefined;
      const page = await deps.store.ledger(shop.shop, c.get('customerId')!, { limit, ...(cursor ? { cursor } : {}) });
      return c.json({ entries: page.items.map(activityView), nextCursor: page.cursor ?? null });
    })
    .post(
      '/member/redemptions',
      memberOnly,
      bodyLimit({ maxSize: 16 * 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'a redemption body is a small JSON object') }),
      async (c) => {
        await enforceRateLimit(deps.store, c.get('shop').shop, c.get('customerId')!, REDEMPTION_LIMIT, c.get('now'));
        const parsed = RedemptionBodySchema.safeParse(await jsonBody(c.req.raw));
        if (!parsed.success) throw new HttpProblem(400, 'invalid-request', 'the body must be {"rewardId": "..."}');
        const idempotencyKey = c.req.header('idempotency-key');
        if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
          throw new HttpProblem(400, 'invalid-request', 'Idempotency-Key is 1 to 255 visible ASCII characters');
        }
        const redemption = redemptionFacts(c.get('shop'), c.get('customerId')!, parsed.data.rewardId);
        let result;
        try {
          result = await redeemReward(
            deps.store,
            { shop: c.get('shop'), customerId: c.get('customerId')!, rewardId: parsed.data.rewardId, now: c.get('now'), ...(idempotencyKey ? { idempotencyKey } : {}) },
            { issuer: deps.discounts, log: deps.logger },
          );
        } catch (error) {
          if (error instanceof RewardsError) deps.logger.info('redemption refused', { ...redemption, outcome: 'refused', errorType: error.type });
          throw error;
        }
        const { view, replayed } = result;
        deps.logger.info('reward redeemed', { ...redemption, outcome: replayed ? 'replayed' : view.status });
        if (replayed) c.header('idempotent-replayed', 'true');
        return c.json(view, 201);
      },
    )
    .post(
      '/member/feedback',
      memberOnly,
      bodyLimit({ maxSize: 16 * 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'feedback is a score and a short comment') }),
      async (c) => {
        await enforceRateLimit(deps.store, c.get('shop').shop, c.get('customerId')!, FEEDBACK_LIMIT, c.get('now'));
        const parsed = FeedbackBodySchema.safeParse(await jsonBody(c.req.raw));
        if (!parsed.success) throw new HttpProblem(400, 'invalid-request', 'the body must be {"score": 0 to 10, "comment"?: "..."}');
        const { score } = parsed.data;
        const comment = parsed.data.comment?.trim();
        const feedback = { id: randomUUID(), customerId: c.get('customerId')!, score, at: c.get('now').toISOString(), ...(comment ? { comment } : {}) };
        const shop = c.get('shop').shop;
        // A conflict stored nothing: write again. Still conflicting after every try, BusyError is a 503.
        await retryOnConflict(async () => {
          const result = await deps.store.commit({ shop, change: { lots: [], entries: [], feedback }, now: c.get('now') });
          return result === 'conflict' ? 'conflict' : result;
        });
        return c.json({ score, ...(comment ? { comment } : {}) }, 201);
      },
    );
}

/**
 * The customer's languages, most wanted first: `?locale=` (the widget sends the storefront's, the
 * App Proxy forwards it signed), then `Accept-Language` (the customer account extension's).
 */
function customerLocales(c: Context<MemberEnv>): string[] {
  const locale = c.req.query('locale') || undefined;
  if (locale !== undefined && !isLocaleTag(locale)) throw new HttpProblem(400, 'invalid-request', 'locale is a language tag such as "fr" or "pt-BR"');
  return requestedLocales(locale, c.req.header('accept-language'));
}

const FeedbackBodySchema = z.object({
  score: z.int().check(z.gte(0), z.lte(10)),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});

const RedemptionBodySchema = z.object({ rewardId: z.string().check(z.minLength(1), z.maxLength(100)) });

function activityView(entry: LedgerEntry) {
  const { recordedAt: _recorded, ...shown } = entry;
  return shown;
}
