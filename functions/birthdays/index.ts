/** Birthday points on a schedule: members whose birthday has come get the program's points, once a year. */
import { jobHandler } from '../runtime/job-handler.ts';

export const handler = jobHandler('birthdays');
