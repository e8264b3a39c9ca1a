/** `/dev/*`: local-only routes, mounted by `npm start` alone and never deployed. */
import { Hono } from 'hono';
import { runJob, UnknownJobError, type JobDeps } from '../jobs/jobs.ts';
import type { Clock } from '../clock.ts';
import { HttpProblem } from './problems.ts';

export function devRoutes(deps: JobDeps & { clock: Clock; outbox: { list(): unknown[] } }) {
  return new Hono()
    .get('/outbox', (c) => c.json({ messages: deps.outbox.list() }))
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
