/** Referrals on a schedule: each referral whose friend's order is past its hold is settled once (docs/referrals.md). */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('referrals');
