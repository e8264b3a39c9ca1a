/** Point expiry on a schedule: settles the lots whose time has come and takes what is left of them off the balance. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('expire');
