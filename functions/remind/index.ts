/** Expiry reminders on a schedule: tells members, by e-mail and as an event, which points expire soon. */
import { jobHandler } from '../runtime/job-handler.ts';
import { createNotifier } from '../runtime/notifier.ts';

export const handler = jobHandler('remind', createNotifier());
