/**
 * `GET /admin/roi?from=YYYY-MM&to=YYYY-MM`: "Does it pay?", the program's return per UTC month
 * (`kpis/roi.ts`). Defaults to the twelve months up to this one. A bad month or range: 400.
 */
import { Hono } from 'hono';
import { utcDay } from '../clock.ts';
import { newShop } from '../earning/shops.ts';
import { InvalidRangeError } from '../kpis/kpis.ts';
import { addMonths, programRoi } from '../kpis/roi.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem } from './problems.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

type RoiEnv = { Variables: { user: SessionUser; now: Date } };

export function roiRoutes(deps: ApiDeps) {
  return new Hono<RoiEnv>().get('/roi', async (c) => {
    const now = c.get('now');
    const today = utcDay(now);
    const to = c.req.query('to') ?? today.slice(0, 7);
    const from = c.req.query('from') ?? (MONTH.test(to) ? addMonths(to, -11) : to);
    const domain = c.get('user').shop;
    const shop = (await deps.store.getShop(domain)) ?? newShop(domain, now);
    try {
      return c.json(await programRoi(deps.store, shop, { from, to, today }));
    } catch (error) {
      if (error instanceof InvalidRangeError) {
        const path = !MONTH.test(to) ? 'to' : 'from';
        throw new HttpProblem(400, 'invalid-request', error.message, { problems: [{ path, message: error.message }] });
      }
      throw error;
    }
  });
}
