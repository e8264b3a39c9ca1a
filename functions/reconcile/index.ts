/**
 * Reconciliation on a schedule: each shop's history import a step further, then the orders
 * updated since its checkpoint, read through the Admin API with the shop's (sealed) token.
 */
import type { Context } from 'aws-lambda';
import { timeBudget } from '../../shared/jobs/budget.ts';
import { runJob } from '../../shared/jobs/jobs.ts';
import { adminClientFromEnv, orderSourceFromEnv } from '../../shared/shopify/admin-config.ts';
import { createAccessTokens } from '../runtime/access-tokens.ts';
import { logger } from '../runtime/logger.ts';
import { createStore } from '../runtime/store.ts';

/** Left of the invocation for the order in flight when the run stops starting more (a page, a few transactions). */
const STOP_MARGIN_MS = 60_000;

const tokens = createAccessTokens();
const deps = {
  store: createStore(),
  discounts: adminClientFromEnv(process.env, tokens),
  orders: orderSourceFromEnv(process.env, tokens),
  notifier: { send: async () => Promise.reject(new Error('reconcile sends no messages')) },
  logger,
};

export const handler = async (_event?: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<Record<string, unknown>> => {
  const budget = context ? timeBudget(() => context.getRemainingTimeInMillis(), STOP_MARGIN_MS) : undefined;
  const result = await runJob('reconcile', { ...deps, ...(budget ? { budget } : {}) }, new Date());
  logger.info('job finished', result);
  return result;
};
