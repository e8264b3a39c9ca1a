/**
 * `POST /admin/members/:customerId/rewards/:code/settlement`: the store owner settles a reward that
 * waits for a person (a store credit or a code Shopify may already have: its answer was lost).
 * Body `{"outcome": "issued"}` (it is in Shopify) or `{"outcome": "not-issued"}` (it is not: the
 * points go back to the member). 404 for a reward of another customer or shop; 409 for one that
 * does not wait for a person.
 */
import { Hono } from 'hono';
import { newShop } from '../earning/shops.ts';
import { NotAwaitingSettlementError, settleReward } from '../rewards/settle-reward.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import { HttpProblem } from './problems.ts';

type RewardsEnv = { Variables: { user: SessionUser; now: Date } };

const OUTCOMES = ['issued', 'not-issued'] as const;

export function rewardSettlementRoutes(deps: ApiDeps) {
  return new Hono<RewardsEnv>().post('/members/:customerId/rewards/:code/settlement', async (c) => {
    const { shop: domain, userId } = c.get('user');
    const now = c.get('now');
    const body = await jsonBody(c.req.raw);
    const outcome = (body as { outcome?: unknown } | null)?.outcome;
    if (!OUTCOMES.includes(outcome as (typeof OUTCOMES)[number])) {
      throw new HttpProblem(422, 'invalid-request', 'the body must be {"outcome": "issued"} or {"outcome": "not-issued"}', {
        problems: [{ path: 'outcome', message: 'Say "issued" if the reward is in Shopify, "not-issued" if it is not.' }],
      });
    }
    const code = c.req.param('code').slice(0, 100);
    const reward = await deps.store.getCoupon(domain, code);
    if (!reward || reward.customerId !== c.req.param('customerId')) throw new HttpProblem(404, 'not-found', `no reward ${code} for this customer`);
    const shop = (await deps.store.getShop(domain)) ?? newShop(domain, now);
    const facts = { shop: domain, customerId: reward.customerId, code: reward.code, rewardId: reward.rewardId, outcome, userId };
    try {
      const settled = await settleReward(deps.store, reward, shop, outcome as (typeof OUTCOMES)[number], now, deps.logger);
      deps.logger.info('reward settled by the store', { ...facts, status: settled.status });
      return c.json({ code: settled.code, rewardId: settled.rewardId, status: settled.status });
    } catch (error) {
      if (error instanceof NotAwaitingSettlementError) throw new HttpProblem(409, error.type, error.message, { status: reward.status });
      throw error;
    }
  });
}
