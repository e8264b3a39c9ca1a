/** Tier downgrades on a schedule: members whose spend has left the 365-day window go down a tier without waiting for an order. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('tiers');
