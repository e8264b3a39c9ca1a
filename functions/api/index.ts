/** The storefront (App Proxy) and admin API on Lambda: the same routes as the local server. */
import { handle } from 'hono/aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { createApiApp } from '../../shared/http/app.ts';
import { adminClientFromEnv } from '../../shared/shopify/admin-config.ts';
import { logger } from '../runtime/logger.ts';
import { appSecrets } from '../runtime/secrets.ts';
import { createStore } from '../runtime/store.ts';

const app = createApiApp({
  store: createStore(),
  discounts: adminClientFromEnv(process.env),
  secrets: appSecrets,
  clock: systemClock,
  logger,
});

export const handler = handle(app);
