/** One scheduled job as a Lambda handler: the same `runJob` as `POST /dev/jobs/:name` locally. */
import type { Context } from 'aws-lambda';
import { timeBudget } from '../../shared/jobs/budget.ts';
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

/**
 * What a run leaves of its invocation's time for the work in flight when it stops starting more:
 * a unit of work (a member's transaction, a message sent) takes well under a second, the SDK's
 * retries a few more.
 */
const STOP_MARGIN_MS = 60_000;

export function jobHandler(name: string, notifier: Notifier = noMessages, exports?: DataExportSink) {
  // Tokens are read, refreshed and opened only when a job calls the Admin API (the coupon outbox).
  const deps = { store: createStore(), discounts: adminClientFromEnv(process.env, createAccessTokens()), notifier, logger, ...(exports ? { exports } : {}), ...unsubscribeFromEnv() };
  return async (_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<Record<string, unknown>> => {
    // The draining jobs go on until nothing due is left or this budget runs out (then `more: true`,
    // and the next scheduled run goes on).
    const budget = context ? timeBudget(() => context.getRemainingTimeInMillis(), STOP_MARGIN_MS) : undefined;
    const result = await runJob(name, { ...deps, ...(budget ? { budget } : {}) }, new Date());
    logger.info('job finished', result);
    return result;
  };
}
