/** Lifecycle stages on a schedule: members move to fading and lost as time passes; tuned thresholds restage a shop. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('lifecycle');
