/**
 * `/admin/*`: the store owner's side, behind Shopify session tokens. The shop is the token's
 * `dest` and nothing else, so no request can reach another shop's data.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod/mini';
import { adjustPoints } from '../admin/adjustments.ts';
import { AdjustmentBelowZeroError } from '../admin/errors.ts';
import { programFromBody, programSettingsView, updateProgram } from '../admin/program-settings.ts';
import { InvalidProgramError } from '../program/program.ts';
import { newShop } from '../earning/shops.ts';
import { InvalidSessionTokenError, verifySessionToken, type SessionUser } from '../shopify/session-token.ts';
import { TokenRefusedError } from '../shopify/errors.ts';
import { setupRoutes } from './admin-setup.ts';
import { beginHistoryImport } from '../jobs/history-import.ts';
import { rewardSettlementRoutes } from './admin-rewards.ts';
import { lifecycleRoutes } from './admin-lifecycle.ts';
import { campaignRoutes } from './admin-campaigns.ts';
import { referralAdminRoutes } from './admin-referrals.ts';
import { roiRoutes } from './admin-roi.ts';
import { migrationRoutes } from './admin-migration.ts';
import type { Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { InvalidRangeError, programKpis } from '../kpis/kpis.ts';
import { INTERVALS, programKpiSeries, type Interval } from '../kpis/series.ts';
import { addDays, utcDay } from '../clock.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { jsonBody } from './json-body.ts';
import { memberView } from './views.ts';

type AdminEnv = { Variables: { user: SessionUser; now: Date } };

const AdjustmentSchema = z.object({
  points: z.int().check(z.refine((n) => n !== 0, 'not zero'), z.gte(-10_000_000), z.lte(10_000_000)),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
});

function pageLimit(text: string | undefined, fallback = 50, max = 100): number {
  const limit = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new HttpProblem(400, 'invalid-request', `limit is a whole number from 1 to ${max}`);
  return limit;
}

export function adminRoutes(deps: ApiDeps) {
  /** Shops whose history import this container knows has begun: one read per shop, not per request. */
  const historyBegun = new Set<string>();
  const sessionToken = createMiddleware<AdminEnv>(async (c, next) => {
    const now = deps.clock();
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new HttpProblem(401, 'invalid-session-token', 'Authorization: Bearer <Shopify session token> is missing');
    let user: SessionUser;
    try {
      user = await verifySessionToken(token, await deps.secrets(), now);
    } catch (error) {
      if (error instanceof InvalidSessionTokenError) throw new HttpProblem(401, error.type, error.message);
      throw error;
    }
    try {
      // A shop without a usable Admin API token gets one now, from this very session token.
      await deps.accessTokens?.onSessionToken(user.shop, token);
    } catch (error) {
      if (error instanceof TokenRefusedError) throw new HttpProblem(401, error.type, error.message);
      throw error;
    }
    c.set('user', user);
    c.set('now', now);
    await next();
    // Installation: the shop's order history (the year before now) is dated and queued for import,
    // after its first answered request (a refused one writes nothing).
    if (c.res.status < 300 && !historyBegun.has(user.shop)) {
      await beginHistoryImport(deps.store, user.shop, now);
      historyBegun.add(user.shop);
    }
  });

  const shopOf = async (domain: string, now: Date): Promise<Shop> => (await deps.store.getShop(domain)) ?? newShop(domain, now);

  return new Hono<AdminEnv>()
    .use(sessionToken)
    // Before the 256 KiB limit: a members file may be up to 5 MB (its route sets its own limit).
    .route('/', migrationRoutes(deps))
    .use(bodyLimit({ maxSize: 256 * 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'admin bodies are limited to 256 KiB') }))
    .route('/', setupRoutes(deps))
    .route('/', rewardSettlementRoutes(deps))
    .route('/', lifecycleRoutes(deps))
    .route('/', campaignRoutes(deps))
    .route('/', referralAdminRoutes(deps))
    .route('/', roiRoutes(deps))
    .get('/program', async (c) => c.json(programSettingsView(await shopOf(c.get('user').shop, c.get('now')))))
    .put('/program', async (c) => {
      const { shop: domain, userId } = c.get('user');
      const log = deps.logger.createChild({ persistentKeys: { shop: domain, userId } });
      let program;
      try {
        // Validated whole, before anything is read: 422 with every problem listed, nothing changed.
        program = programFromBody(await jsonBody(c.req.raw));
      } catch (error) {
        if (error instanceof InvalidProgramError) log.info('program not saved: invalid', { errorType: error.type, problemPaths: error.problems.map((p) => p.path) });
        throw error;
      }
      const { shop, saved, changedSections } = await updateProgram(deps.store, { shop: domain, program, userId, now: c.get('now') });
      if (saved) log.info('program saved', { version: shop.programVersion, changedSections });
      else log.info('program unchanged; no new version', { version: shop.programVersion });
      return c.json(programSettingsView(shop));
    })
    .get('/kpis', async (c) => {
      const now = c.get('now');
      const to = c.req.query('to') ?? utcDay(now);
      const from = c.req.query('from') ?? utcDay(addDays(`${to}T00:00:00Z`, -29));
      const shop = await shopOf(c.get('user').shop, now);
      try {
        return c.json(await programKpis(deps.store, shop, { from, to }));
      } catch (error) {
        if (error instanceof InvalidRangeError) throw new HttpProblem(400, 'invalid-request', error.message);
        throw error;
      }
    })
    .get('/kpis/series', async (c) => {
      const now = c.get('now');
      const today = utcDay(now);
      const to = c.req.query('to') ?? today;
      const from = c.req.query('from') ?? utcDay(addDays(`${to}T00:00:00Z`, -29));
      const interval = c.req.query('interval') ?? 'day';
      if (!(INTERVALS as readonly string[]).includes(interval)) throw new HttpProblem(400, 'invalid-request', `interval is one of ${INTERVALS.join(', ')}`);
      const shop = await shopOf(c.get('user').shop, now);
      try {
        return c.json(await programKpiSeries(deps.store, shop, { from, to, interval: interval as Interval, today }));
      } catch (error) {
        if (error instanceof InvalidRangeError) throw new HttpProblem(400, 'invalid-request', error.message);
        throw error;
      }
    })
    .get('/program/history', async (c) => c.json({ changes: await deps.store.programHistory(c.get('user').shop, pageLimit(c.req.query('limit'), 20)) }))
    .get('/members', async (c) => {
      const { shop } = c.get('user');
      const fading = c.req.query('fading');
      const tier = c.req.query('tier') || undefined;
      const cursor = c.req.query('cursor') || undefined;
      const page = await deps.store.listMembers(shop, { limit: pageLimit(c.req.query('limit')), ...(tier ? { tier } : {}), ...(cursor ? { cursor } : {}) });
      const isFading = (m: (typeof page.items)[number]) => m.fading !== undefined && m.fading.lastOrderAt === m.lastOrderAt;
      const items = fading === undefined ? page.items : page.items.filter((m) => isFading(m) === (fading === 'true'));
      return c.json({
        members: items.map((m) => ({ customerId: m.customerId, tier: m.tier, balance: m.balance, pending: m.pending, orderCount: m.orderCount ?? 0, lastOrderAt: m.lastOrderAt ?? null, fading: isFading(m), email: m.contact.email ?? null })),
        nextCursor: page.cursor ?? null,
      });
    })
    .get('/members/:customerId', async (c) => {
      const { shop: domain } = c.get('user');
      const customerId = customerIdParam(c.req.param('customerId'));
      const [shop, member, lots, recent] = await Promise.all([
        shopOf(domain, c.get('now')),
        deps.store.getMember(domain, customerId),
        deps.store.activeLots(domain, customerId),
        deps.store.ledger(domain, customerId, { limit: COUPON_LEDGER_DEPTH }),
      ]);
      if (!member) throw new HttpProblem(404, 'not-found', `no member ${customerId}`);
      // The coupons of the member's latest redemptions (and tier rewards), from their ledger entries.
      const codes = [...new Set(recent.items.map((entry) => entry.couponCode).filter((code): code is string => typeof code === 'string'))];
      const coupons = codes.length ? await deps.store.getCoupons(domain, codes) : [];
      return c.json({
        ...memberView(shop, customerId, member, lots, c.get('now')),
        contact: member.contact,
        enrolledAt: member.enrolledAt,
        lifetimeEarned: member.lifetimeEarned,
        orderCount: member.orderCount ?? 0,
        firstOrderAt: member.firstOrderAt ?? null,
        lastOrderAt: member.lastOrderAt ?? null,
        fading: member.fading !== undefined && member.fading.lastOrderAt === member.lastOrderAt ? member.fading : null,
        coupons: coupons
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .map((coupon) => ({
            code: coupon.code,
            rewardId: coupon.rewardId,
            reward: coupon.reward,
            points: coupon.points,
            source: coupon.source,
            status: coupon.status,
            createdAt: coupon.createdAt,
            expiresAt: coupon.expiresAt,
            attempts: coupon.attempts,
            nextAttemptAt: coupon.nextAttemptAt ?? null,
            lastError: coupon.lastError ?? null,
            usedAt: coupon.usedAt ?? null,
            // Shopify may already have it: it waits for the store owner to settle it.
            needsSettlement: coupon.status === 'pending' && coupon.mayExistInShopify === true,
          })),
      });
    })
    .get('/members/:customerId/ledger', async (c) => {
      const customerId = customerIdParam(c.req.param('customerId'));
      const cursor = c.req.query('cursor') || undefined;
      const page = await deps.store.ledger(c.get('user').shop, customerId, { limit: pageLimit(c.req.query('limit')), ...(cursor ? { cursor } : {}) });
      return c.json({ entries: page.items, nextCursor: page.cursor ?? null });
    })
    .post('/members/:customerId/adjustments', async (c) => {
      const { shop: domain, userId } = c.get('user');
      const customerId = customerIdParam(c.req.param('customerId'));
      const parsed = AdjustmentSchema.safeParse(await jsonBody(c.req.raw));
      if (!parsed.success) {
        throw new HttpProblem(422, 'invalid-adjustment', 'the body must be {"points": a whole number other than 0, "reason": "..."}', {
          problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
        });
      }
      const now = c.get('now');
      const id = randomUUID();
      const facts = { shop: domain, customerId, points: parsed.data.points, userId };
      let change;
      try {
        change = await retryOnConflict(async () => {
          const [shop, member] = await Promise.all([shopOf(domain, now), deps.store.getMember(domain, customerId)]);
          const change = adjustPoints({ shop, customerId, now, id, ...(member ? { member } : {}) }, { ...parsed.data, userId });
          return (await deps.store.commit({ shop: domain, change, idempotencyKeys: [], now })) === 'committed' ? change : 'conflict';
        });
      } catch (error) {
        if (error instanceof AdjustmentBelowZeroError) deps.logger.info('points adjustment refused', { ...facts, outcome: 'refused', errorType: error.type, balance: error.balance });
        throw error;
      }
      deps.logger.info('points adjusted', { ...facts, outcome: 'adjusted', balance: change.member!.balance });
      return c.json({ entry: change.entries[0], balance: change.member!.balance }, 201);
    });
}

/** How far back the member's answer looks for coupons: the ledger entries of their latest redemptions. */
const COUPON_LEDGER_DEPTH = 100;

function customerIdParam(value: string): string {
  if (!/^[1-9][0-9]{0,19}$/.test(value)) throw new HttpProblem(400, 'invalid-request', 'a customer id is a Shopify numeric id');
  return value;
}
