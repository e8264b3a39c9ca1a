/** The coupon outbox on a schedule: creates in Shopify the coupons it could not take at once. */
import { runJob } from '../../shared/jobs/jobs.ts';
import { adminClientFromEnv } from '../../shared/shopify/admin-config.ts';
import { createStore } from '../runtime/store.ts';
import { logger } from '../runtime/logger.ts';

const store = createStore();
const discounts = adminClientFromEnv(process.env);

export const handler = async (): Promise<Record<string, unknown>> => {
  const result = await runJob('issue-coupons', { store, discounts }, new Date());
  logger.info('job finished', result);
  return result;
};
