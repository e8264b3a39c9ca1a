/** One scheduled job as a Lambda handler: the same `runJob` as `POST /dev/jobs/:name` locally. */
import { runJob } from '../../shared/jobs/jobs.ts';
import type { Notifier } from '../../shared/notify/notification.ts';
import type { DataExportSink } from '../../shared/privacy/privacy.ts';
import { adminClientFromEnv } from '../../shared/shopify/admin-config.ts';
import { createAccessTokens } from './access-tokens.ts';
import { logger } from './logger.ts';
import { createStore } from './store.ts';
import { appSecrets } from './secrets.ts';

/** Jobs that mail customers (the stack gives them `PUBLIC_BASE_URL` and the secret) sign unsubscribe links. */
function unsubscribeFromEnv() {
  const baseUrl = process.env.PUBLIC_BASE_URL;
  return baseUrl ? { unsubscribe: { baseUrl, secret: async () => (await appSecrets()).apiSecret } } : {};
}

/** A job that sends no messages gets this notifier; using it is a wiring mistake. */
const noMessages: Notifier = {
  send: async () => {
    throw new Error('this job was deployed without a notifier');
  },
};

export function jobHandler(name: string, notifier: Notifier = noMessages, exports?: DataExportSink) {
  // Tokens are read, refreshed and opened only when a job calls the Admin API (the coupon outbox).
  const deps = { store: createStore(), discounts: adminClientFromEnv(process.env, createAccessTokens()), notifier, logger, ...(exports ? { exports } : {}), ...unsubscribeFromEnv() };
  return async (): Promise<Record<string, unknown>> => {
    const result = await runJob(name, deps, new Date());
    logger.info('job finished', result);
    return result;
  };
}
