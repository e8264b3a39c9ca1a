/** Pending points on a schedule: makes spendable the points whose waiting period is over. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('activate');
