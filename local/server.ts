/** The local app: the same hono app as on Lambda, processing webhooks inline. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../shared/clock.ts';
import { createApp } from '../shared/http/app.ts';
import type { AppSecrets } from '../shared/http/deps.ts';
import { processDelivery } from '../shared/shopify/deliveries.ts';
import { DynamoDbStore } from '../shared/store/dynamodb/dynamodb-store.ts';
import { devRoutes } from '../shared/http/dev.ts';
import { accessTokenOverrides, adminBaseUrl, adminClientFromEnv, orderSourceFromEnv } from '../shared/shopify/admin-config.ts';
import { ShopAccessTokens } from '../shared/shopify/access-tokens.ts';
import { ThrottledDeliveryLog } from '../shared/shopify/delivery-log.ts';
import { plainTokenCipher } from '../shared/shopify/token-cipher.ts';
import { ShopifyTokenEndpoint } from '../shared/shopify/token-endpoint.ts';
import { DynamoDbAccessTokenStore } from '../shared/store/dynamodb/access-tokens.ts';
import { DynamoDbWebhookDeliveryLog } from '../shared/store/dynamodb/webhook-deliveries.ts';
import type { DiscountIssuer } from '../shared/shopify/admin-graphql.ts';
import { demoStoreRoutes } from './demo-store.ts';
import { LocalOutbox } from './outbox.ts';
import { LocalStreamPoller } from './stream-poller.ts';
import { LocalOutboundQueue } from './outbound-queue.ts';
import { ShopifyMetafields } from '../shared/shopify/metafields.ts';
import { FlowTriggers } from '../shared/shopify/flow-triggers.ts';
import { MemoryEventBus } from '../shared/stream/memory-event-bus.ts';
import { adminGraphqlFromEnv, recentTokens } from '../shared/shopify/admin-config.ts';
import { DynamoDbOutboundStore } from '../shared/store/dynamodb/outbound.ts';
import { DynamoDbMemberImportStore } from '../shared/store/dynamodb/member-import.ts';
import { ShopifyCustomerDirectory } from '../shared/shopify/customers-by-email.ts';
import { publicProgram } from '../shared/http/views.ts';
import { ShopifyProductSets } from '../shared/shopify/product-sets.ts';

export interface LocalAppOptions {
  /** Where links in messages (unsubscribe) point: `http://127.0.0.1:PORT` under `npm start`. */
  publicBaseUrl?: string;
  client: DynamoDBClient;
  /** DynamoDB Local's address: the change stream (the figures) is read from it. */
  endpoint: string;
  /** Where coupons become discounts; by default the Admin API as the environment configures it. */
  discounts?: DiscountIssuer;
  /** Where messages go locally: a file under the data directory, or memory. */
  outbox?: LocalOutbox;
  tableName: string;
  secrets: AppSecrets;
  clock: Clock;
  logger?: Logger;
  /**
   * Whether the outbound pipeline (metafields, events) follows the change stream: yes by default;
   * tests that do not look at it leave it off, so their fake Admin API sees only their own calls.
   */
  outbound?: boolean;
  /** Where `SHOPIFY_ADMIN_URL`, `SHOPIFY_ADMIN_ACCESS_TOKENS` and the mail settings are read; `process.env` by default. */
  env?: Record<string, string | undefined>;
}

export function createLocalApp(options: LocalAppOptions) {
  const store = new DynamoDbStore(options.client, options.tableName);
  const logger = options.logger ?? new Logger({ serviceName: 'loyalty' });
  const env = options.env ?? process.env;
  const adminUrl = adminBaseUrl(env);
  const tokenStore = new DynamoDbAccessTokenStore(options.client, options.tableName);
  const accessTokens = new ShopAccessTokens({
    store: tokenStore,
    cipher: plainTokenCipher,
    // Without SHOPIFY_ADMIN_URL there is no Shopify to reach locally: nothing is exchanged.
    ...(adminUrl ? { endpoint: new ShopifyTokenEndpoint({ base: () => adminUrl, credentials: async () => options.secrets }) } : {}),
    overrides: accessTokenOverrides(env),
    clock: options.clock,
    logger,
  });
  const deliveryLog = new DynamoDbWebhookDeliveryLog(options.client, options.tableName);
  const discounts = options.discounts ?? adminClientFromEnv(env, accessTokens);
  const outbox = options.outbox ?? new LocalOutbox(undefined, options.clock);
  const throttledLog = new ThrottledDeliveryLog(deliveryLog);
  const app = createApp({
    store,
    discounts,
    secrets: async () => options.secrets,
    clock: options.clock,
    logger,
    // Locally the effect is visible to the very next request: no queue in between.
    accessTokens,
    deliveryLog,
    // The members CSV import: its batched reads and per-member writes, and email look-ups at Shopify.
    memberImports: new DynamoDbMemberImportStore(options.client, options.tableName),
    customers: new ShopifyCustomerDirectory(adminGraphqlFromEnv(env, accessTokens)),
    // Collection and tag campaigns read their products from the Admin API (SHOPIFY_ADMIN_URL locally).
    productSets: new ShopifyProductSets(adminGraphqlFromEnv(env, accessTokens)),
    mail: { ...(env.SES_SENDER_EMAIL ? { senderEmail: env.SES_SENDER_EMAIL } : {}), ...(env.SES_CONFIGURATION_SET ? { configurationSet: env.SES_CONFIGURATION_SET } : {}) },
    deliver: (delivery, now) => processDelivery(store, delivery, now, { exports: outbox, accessTokens: tokenStore, deliveryLog: throttledLog }),
  });
  const events = new MemoryEventBus();
  // Reconciliation and the history import read orders from SHOPIFY_ADMIN_URL (a fake Shopify), as the cloud reads each shop's.
  const orders = orderSourceFromEnv(env, accessTokens);
  app.route('/dev', devRoutes({ store, discounts, orders, notifier: outbox, exports: outbox, outbox, events, clock: options.clock, secrets: options.secrets, unsubscribe: { baseUrl: options.publicBaseUrl ?? process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000', secret: async () => options.secrets.apiSecret } }));
  app.route('/', demoStoreRoutes({ secrets: options.secrets, clock: options.clock, fetch: (request) => app.fetch(request) }));
  // Metafields and events follow the stream too: inline here, a stream consumer, a queue and a sender in the cloud.
  const outboundStore = Object.assign(new DynamoDbOutboundStore(options.client, options.tableName), {
    getShop: (shop: string) => store.getShop(shop),
    getMember: (shop: string, customerId: string) => store.getMember(shop, customerId),
    activeLots: (shop: string, customerId: string) => store.activeLots(shop, customerId),
  });
  const outboundTokens = recentTokens(accessTokens, 10_000);
  const graphql = adminGraphqlFromEnv(env, outboundTokens);
  const shopifyReachable = adminUrl !== undefined || Object.keys(accessTokenOverrides(env)).length > 0;
  const outbound = new LocalOutboundQueue(
    {
      store: outboundStore,
      getShop: (shop) => store.getShop(shop),
      // Without SHOPIFY_ADMIN_URL or a token given, there is no Shopify to write to: events still reach /dev/events.
      ...(shopifyReachable ? { metafields: new ShopifyMetafields(graphql), flow: new FlowTriggers(graphql) } : {}),
      bus: events,
      accessReady: async (shop) => (await outboundTokens.accessToken(shop.shop)) !== undefined,
      programValue: publicProgram,
      log: { info: (message, attributes) => logger.info(message, attributes ?? {}), warn: (message, attributes) => logger.warn(message, attributes ?? {}), error: (message, attributes) => logger.error(message, attributes ?? {}) },
    },
    options.clock,
  );
  // The figures follow the table's change stream, as the aggregator Lambda does in the cloud.
  const stream = new LocalStreamPoller({ client: options.client, endpoint: options.endpoint, tableName: options.tableName, store, clock: options.clock, consumers: options.outbound === false ? [] : [outbound] });
  return { app, store, outbox, stream, outbound, events };
}
