/** `/dev/*`: local-only routes, mounted by `npm start` alone and never deployed. */
import { Hono } from 'hono';
import { runJob, UnknownJobError, type JobDeps } from '../jobs/jobs.ts';
import { sign } from 'hono/jwt';
import type { Clock } from '../clock.ts';
import type { AppSecrets } from './deps.ts';
import { HttpProblem } from './problems.ts';

/** How long a development session token lasts: App Bridge's own last a minute too. */
const DEV_TOKEN_SECONDS = 60;

export function devRoutes(deps: JobDeps & { clock: Clock; outbox: { list(): unknown[] }; secrets?: AppSecrets; events?: { list(): unknown[] } }) {
  return new Hono()
    .get('/outbox', (c) => c.json({ messages: deps.outbox.list() }))
    // The outbound events the local bus took (EventBridge in the cloud), newest first.
    .get('/events', (c) => c.json({ events: deps.events?.list() ?? [] }))
    // A session token as App Bridge would give the admin page, so /app can be used outside Shopify.
    .get('/session-token', async (c) => {
      const shop = c.req.query('shop') ?? '';
      if (!deps.secrets) throw new HttpProblem(404, 'not-found', 'no app secrets to sign development session tokens with');
      if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) throw new HttpProblem(400, 'invalid-request', 'shop is a *.myshopify.com domain');
      const now = Math.floor(deps.clock().getTime() / 1000);
      const claims = { iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: deps.secrets.apiKey, sub: 'local-developer', exp: now + DEV_TOKEN_SECONDS, nbf: now, iat: now, jti: crypto.randomUUID(), sid: 'local' };
      return c.json({ token: await sign(claims, deps.secrets.apiSecret, 'HS256'), expiresIn: DEV_TOKEN_SECONDS }, 200, { 'cache-control': 'no-store' });
    })
    .post('/jobs/:name', async (c) => {
    const at = c.req.query('now');
    const now = at ? new Date(at) : deps.clock();
    if (Number.isNaN(now.getTime())) throw new HttpProblem(400, 'invalid-request', 'now is not an ISO 8601 instant');
    try {
      return c.json(await runJob(c.req.param('name'), deps, now));
    } catch (error) {
      if (error instanceof UnknownJobError) throw new HttpProblem(404, 'not-found', error.message);
      throw error;
    }
  });
}
