/** The storefront (and, later, admin) API on Lambda: the same hono app as the local server. */
import { handle } from 'hono/aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { createApp } from '../../shared/http/app.ts';
import { processDelivery } from '../../shared/shopify/deliveries.ts';
import { adminClientFromEnv } from '../../shared/shopify/admin-config.ts';
import { createStore } from '../runtime/store.ts';
import { appSecrets } from '../runtime/secrets.ts';
import { logger } from '../runtime/logger.ts';

const store = createStore();

const app = createApp({
  store,
  discounts: adminClientFromEnv(process.env),
  secrets: appSecrets,
  clock: systemClock,
  logger,
  deliver: (delivery, now) => processDelivery(store, delivery, now),
});

export const handler = handle(app);
