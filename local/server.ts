/** The local app: the same hono app as on Lambda, processing webhooks inline. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../shared/clock.ts';
import { createApp } from '../shared/http/app.ts';
import type { AppSecrets } from '../shared/http/deps.ts';
import { processDelivery } from '../shared/shopify/deliveries.ts';
import { DynamoDbStore } from '../shared/store/dynamodb/dynamodb-store.ts';
import { devRoutes } from '../shared/http/dev.ts';
import { adminClientFromEnv } from '../shared/shopify/admin-config.ts';
import type { DiscountIssuer } from '../shared/shopify/admin-graphql.ts';
import { demoStoreRoutes } from './demo-store.ts';
import { LocalOutbox } from './outbox.ts';

export interface LocalAppOptions {
  client: DynamoDBClient;
  /** Where coupons become discounts; by default the Admin API as the environment configures it. */
  discounts?: DiscountIssuer;
  /** Where messages go locally: a file under the data directory, or memory. */
  outbox?: LocalOutbox;
  tableName: string;
  secrets: AppSecrets;
  clock: Clock;
  logger?: Logger;
}

export function createLocalApp(options: LocalAppOptions) {
  const store = new DynamoDbStore(options.client, options.tableName);
  const logger = options.logger ?? new Logger({ serviceName: 'loyalty' });
  const discounts = options.discounts ?? adminClientFromEnv(process.env);
  const outbox = options.outbox ?? new LocalOutbox(undefined, options.clock);
  const app = createApp({
    store,
    discounts,
    secrets: async () => options.secrets,
    clock: options.clock,
    logger,
    // Locally the effect is visible to the very next request: no queue in between.
    deliver: (delivery, now) => processDelivery(store, delivery, now, { exports: outbox }),
  });
  app.route('/dev', devRoutes({ store, discounts, notifier: outbox, exports: outbox, outbox, clock: options.clock, secrets: options.secrets }));
  app.route('/', demoStoreRoutes({ secrets: options.secrets, clock: options.clock, fetch: (request) => app.fetch(request) }));
  return { app, store, outbox };
}
