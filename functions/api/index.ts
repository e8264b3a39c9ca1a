/** The storefront (App Proxy) and admin API on Lambda: the same routes as the local server. */
import { handle } from 'hono/aws-lambda';
import { systemClock } from '../../shared/clock.ts';
import { createApiApp } from '../../shared/http/app.ts';
import { adminClientFromEnv, adminGraphqlFromEnv } from '../../shared/shopify/admin-config.ts';
import { ShopifyCustomerDirectory } from '../../shared/shopify/customers-by-email.ts';
import { ShopifyProductSets } from '../../shared/shopify/product-sets.ts';
import { DynamoDbMemberImportStore } from '../../shared/store/dynamodb/member-import.ts';
import { DynamoDbWebhookDeliveryLog } from '../../shared/store/dynamodb/webhook-deliveries.ts';
import { createAccessTokens, mailSettingsFromEnv } from '../runtime/access-tokens.ts';
import { logger, requiredEnv } from '../runtime/logger.ts';
import { appSecrets } from '../runtime/secrets.ts';
import { createStore, dynamoDbClient } from '../runtime/store.ts';

const accessTokens = createAccessTokens();
const app = createApiApp({
  store: createStore(),
  discounts: adminClientFromEnv(process.env, accessTokens),
  accessTokens,
  productSets: new ShopifyProductSets(adminGraphqlFromEnv(process.env, accessTokens)),
  deliveryLog: new DynamoDbWebhookDeliveryLog(dynamoDbClient(), requiredEnv('TABLE_NAME')),
  mail: mailSettingsFromEnv(),
  memberImports: new DynamoDbMemberImportStore(dynamoDbClient(), requiredEnv('TABLE_NAME')),
  customers: new ShopifyCustomerDirectory(adminGraphqlFromEnv(process.env, accessTokens)),
  secrets: appSecrets,
  clock: systemClock,
  logger,
});

export const handler = handle(app);
