/**
 * `/proxy/*`: what the storefront sees, through the Shopify App Proxy. Every request carries the
 * proxy's signature; the customer is the one Shopify says is logged in, never one the client names.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { newShop } from '../earning/shops.ts';
import { checkProxySignature } from '../shopify/app-proxy-signature.ts';
import type { Shop } from '../store/ports.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { jsonBody } from './json-body.ts';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { redeemReward } from '../rewards/redeem-reward.ts';
import { RewardsError } from '../rewards/errors.ts';
import { redemptionFacts } from './activity-log.ts';
import { enforceRateLimit, FEEDBACK_LIMIT, REDEMPTION_LIMIT } from './rate-limits.ts';
import { randomUUID } from 'node:crypto';
import { retryOnConflict } from '../store/retry.ts';
import { isShopDomain } from './shop-domain.ts';
import { memberView, publicProgram } from './views.ts';

type ProxyEnv = { Variables: { shop: Shop; customerId: string | undefined; now: Date } };

const ACTIVITY_PAGE_DEFAULT = 20;
const ACTIVITY_PAGE_MAX = 100;

export function proxyRoutes(deps: ApiDeps) {
  const signedByShopify = createMiddleware<ProxyEnv>(async (c, next) => {
    const now = deps.clock();
    const query = c.req.queries();
    const check = checkProxySignature(query, (await deps.secrets()).apiSecret, now);
    if (!check.ok) throw new HttpProblem(401, 'invalid-signature', check.reason);
    const domain = query.shop?.[0] ?? '';
    if (!isShopDomain(domain)) throw new HttpProblem(400, 'invalid-request', 'the shop parameter is not a shop domain');
    // A correctly signed request from a shop not seen before makes it known, with the default program.
    const shop = (await deps.store.getShop(domain)) ?? (await deps.store.ensureShop(newShop(domain, now)));
    const customerId = query.logged_in_customer_id?.[0] || undefined;
    if (customerId !== undefined && !/^[1-9][0-9]{0,19}$/.test(customerId)) {
      throw new HttpProblem(400, 'invalid-request', 'logged_in_customer_id is not a customer id');
    }
    c.set('shop', shop);
    c.set('customerId', customerId);
    c.set('now', now);
    await next();
  });

  const memberOnly = createMiddleware<ProxyEnv & { Variables: { customerId: string } }>(async (c, next) => {
    if (!c.get('customerId')) throw new HttpProblem(401, 'not-a-member', 'sign in to the store to see your points');
    await next();
  });

  return new Hono<ProxyEnv>()
    .use(signedByShopify)
    .get('/program', (c) => c.json(publicProgram(c.get('shop'))))
    .get('/member', memberOnly, async (c) => {
      const shop = c.get('shop');
      const customerId = c.get('customerId')!;
      const [member, lots] = await Promise.all([deps.store.getMember(shop.shop, customerId), deps.store.activeLots(shop.shop, customerId)]);
      return c.json(memberView(shop, customerId, member, lots, c.get('now')));
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

const FeedbackBodySchema = z.object({
  score: z.int().check(z.gte(0), z.lte(10)),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});

const RedemptionBodySchema = z.object({ rewardId: z.string().check(z.minLength(1), z.maxLength(100)) });

function activityView(entry: import('../ledger/types.ts').LedgerEntry) {
  const { recordedAt: _recorded, ...shown } = entry;
  return shown;
}
