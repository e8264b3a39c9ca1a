/** Win-back on a schedule: flags members whose orders have lapsed and sends each one message about the points waiting for them. */
import { jobHandler } from '../runtime/job-handler.ts';
import { createNotifier } from '../runtime/notifier.ts';

export const handler = jobHandler('winback', createNotifier());
