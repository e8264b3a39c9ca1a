/** The coupon outbox on a schedule: creates in Shopify the coupons it could not take at once. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('issue-coupons');
