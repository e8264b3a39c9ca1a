/**
 * `/flow/*`: Shopify Flow's action requests. Flow POSTs each run of the "Adjust loyalty points"
 * action (`extensions/flow-action-adjust-points`) here, signed like a webhook: `X-Shopify-Hmac-SHA256`
 * is the base64 HMAC-SHA256 of the raw body with the app secret. Flow treats 200 as done, retries
 * 429 and 5xx (and a silence), and shows any other 4xx to the merchant without retrying: so a bad
 * signature or body, and an adjustment that would take a balance below zero, are 4xx problems; a
 * contended write is a 503 that Flow retries, and a retried run (same `action_run_id`) changes
 * nothing and answers 200 again.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import { adjustPointsOnce } from '../admin/adjust-once.ts';
import { AdjustmentBelowZeroError } from '../admin/errors.ts';
import { newShop } from '../earning/shops.ts';
import { isValidWebhookSignature } from '../shopify/webhook-signature.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { isShopDomain } from './shop-domain.ts';

/** The action extension's handle and where its runtime URL points (under `/flow`). */
export const ADJUST_POINTS_ACTION = { handle: 'loyalty-adjust-points', path: '/flow/actions/adjust-points' } as const;

/** The most points one run may add or take, as the admin's adjustments. */
const MAX_POINTS = 10_000_000;

/** Flow sends property values as it holds them: a number field may come as a number or as its text. */
const integerText = z.string().check(z.regex(/^\s*-?\d{1,9}\s*$/, 'a whole number'));

const FlowActionRequestSchema = z.object({
  shop_id: z.optional(z.union([z.string(), z.number()])),
  shopify_domain: z.string().check(z.minLength(1), z.maxLength(255)),
  action_run_id: z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'letters, digits and - _ . : only, up to 200')),
  action_definition_id: z.optional(z.string()),
  handle: z.optional(z.string()),
  properties: z.object({
    // `customer_reference`: the customer's numeric id (a number, its text, or its gid).
    customer_id: z.union([z.int().check(z.positive()), z.string().check(z.regex(/^(gid:\/\/shopify\/Customer\/)?[1-9][0-9]{0,19}$/, 'a Shopify customer id'))]),
    points: z.union([z.int(), integerText]),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  }),
});

export function flowRoutes(deps: ApiDeps) {
  return new Hono()
    .use(bodyLimit({ maxSize: 256 * 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'Flow action bodies are limited to 256 KiB') }))
    .post('/actions/adjust-points', async (c) => {
      const now = deps.clock();
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const signature = c.req.header('x-shopify-hmac-sha256');
      if (!isValidWebhookSignature(raw, signature, (await deps.secrets()).apiSecret)) {
        // Nothing of the body is trusted, so nothing of it is logged.
        deps.logger.warn('flow action refused: signature', { path: c.req.path, outcome: 'refused', reason: signature ? 'mismatch' : 'missing', bytes: raw.byteLength });
        throw new HttpProblem(401, 'invalid-signature', signature ? 'X-Shopify-Hmac-SHA256 does not match the body' : 'X-Shopify-Hmac-SHA256 is missing');
      }
      const run = parseRun(raw, deps);
      const log = deps.logger.createChild({ persistentKeys: { shop: run.shop, actionRunId: run.runId, path: c.req.path } });
      // A correctly signed request from a shop not seen before makes it known, with the default program.
      const shop = (await deps.store.getShop(run.shop)) ?? (await deps.store.ensureShop(newShop(run.shop, now)));
      const facts = { customerId: run.customerId, points: run.points };
      try {
        const { result, replayed } = await adjustPointsOnce(deps.store, {
          shop,
          customerId: run.customerId,
          runId: run.runId,
          sender: 'flow',
          adjustment: { points: run.points, reason: run.reason, userId: 'shopify-flow' },
          now,
        });
        log.info(replayed ? 'flow action repeated; already done' : 'points adjusted by flow', { ...facts, outcome: replayed ? 'replayed' : 'adjusted', balance: result.balance });
        return c.json(result, 200);
      } catch (error) {
        if (error instanceof AdjustmentBelowZeroError) log.info('flow action refused: balance', { ...facts, outcome: 'refused', errorType: error.type, balance: error.balance });
        throw error;
      }
    });
}

interface FlowRun {
  shop: string;
  runId: string;
  customerId: string;
  points: number;
  reason: string;
}

/** The run a signed body asks for, or a 400 problem naming every field that is wrong. */
function parseRun(raw: Uint8Array, deps: ApiDeps): FlowRun {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    deps.logger.info('flow action refused: not JSON', { outcome: 'refused' });
    throw new HttpProblem(400, 'invalid-request', 'the body is not JSON');
  }
  const parsed = FlowActionRequestSchema.safeParse(body);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const run = parsed.success ? parsed.data : undefined;
  const points = run ? Number(String(run.properties.points).trim()) : NaN;
  if (run && (points === 0 || Math.abs(points) > MAX_POINTS)) problems.push({ path: 'properties.points', message: `a whole number other than 0, from -${MAX_POINTS} to ${MAX_POINTS}` });
  if (run && !isShopDomain(run.shopify_domain)) problems.push({ path: 'shopify_domain', message: 'a shop domain' });
  if (run?.handle !== undefined && run.handle !== ADJUST_POINTS_ACTION.handle) problems.push({ path: 'handle', message: `this endpoint runs ${ADJUST_POINTS_ACTION.handle}` });
  if (!run || problems.length) {
    deps.logger.info('flow action refused: body', { outcome: 'refused', problemPaths: problems.map((p) => p.path) });
    throw new HttpProblem(400, 'invalid-request', `the action run is not valid: ${problems.map((p) => `${p.path || 'body'}: ${p.message}`).join('; ')}`, { problems });
  }
  return {
    shop: run.shopify_domain,
    runId: run.action_run_id,
    customerId: String(run.properties.customer_id).replace('gid://shopify/Customer/', ''),
    points,
    reason: run.properties.reason,
  };
}
