/**
 * The store owner's admin page on Lambda (`GET /app`, `/app/assets/*`): a function of its own, so
 * the page's script stays out of the API function's bundle, and this one reads only the app's key.
 */
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { appPageRoutes } from '../../shared/http/app-page.ts';
import { problem } from '../../shared/http/problems.ts';
import { logger } from '../runtime/logger.ts';
import { appSecrets } from '../runtime/secrets.ts';

const app = new Hono().route('/', appPageRoutes(appSecrets));
app.notFound((c) => problem(c, 404, 'not-found', `no route for ${c.req.method} ${c.req.path}`));
app.onError((error, c) => {
  logger.error('unhandled error', { error, path: c.req.path });
  return problem(c, 500, 'internal', 'something went wrong on our side');
});

export const handler = handle(app);
