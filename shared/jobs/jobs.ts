/**
 * The scheduled jobs, by name. In the cloud each runs in its own Lambda function on an
 * EventBridge Scheduler schedule; locally `POST /dev/jobs/:name?now=` runs one. Every job takes
 * its clock as an argument.
 */
import { retryPendingCoupons } from '../rewards/issue-coupons.ts';
import type { OutboxLog } from '../rewards/outbox.ts';
import { activatePendingPoints } from './activate.ts';
import { expireLots } from './expire.ts';
import { sendReminders } from './remind.ts';
import { flagFadingMembers } from './winback.ts';
import { grantBirthdayPoints } from './birthdays.ts';
import { moveStages } from './lifecycle.ts';
import { rerateTiers } from './tiers.ts';
import { settleReferrals } from './referrals.ts';
import type { Budget } from './budget.ts';
import { writeQueuedExports } from '../privacy/deferred-exports.ts';
import type { DataExportSink } from '../privacy/privacy.ts';
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { Notifier } from '../notify/notification.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { unsubscribeLinks } from '../notify/unsubscribe.ts';
import type { OrderSource } from '../shopify/order-feed.ts';
import { consoleOutboxLog } from '../rewards/outbox.ts';
import { importHistory } from './history-import.ts';
import { reconcileOrders } from './reconcile.ts';

export interface JobDeps {
  store: LoyaltyStore;
  discounts: DiscountIssuer;
  notifier: Notifier;
  /** Where `export-data` writes: the outbox locally, the export bucket in the cloud. */
  exports?: DataExportSink;
  /**
   * Where the unsubscribe links of marketing mail (reminders, win-back) point, and the app secret
   * that signs them; without it messages carry no link.
   */
  unsubscribe?: { baseUrl: string; secret: () => Promise<string> };
  /** Where jobs log what a person may need to see (the coupon outbox's waits); JSON lines on the console if absent. */
  logger?: OutboxLog;
  /**
   * When the draining jobs (expire, activate, remind, winback, tiers) stop starting work: in
   * Lambda, a little before the invocation's time is up; locally, never (they go on until
   * nothing due is left). A run that stops early says `more: true`, and the next goes on.
   */
  budget?: Budget;
  /** Orders read back from the shops' Admin API: reconciliation and the history import. */
  orders?: OrderSource;
}

export type Job = (deps: JobDeps, now: Date) => Promise<Record<string, unknown>>;

export const jobs: Record<string, Job> = {
  /** Lots past their date give up what is left in them. */
  expire: async (deps, now) => ({ ...(await expireLots(deps.store, now, budgetOf(deps))) }),
  /** Points whose return window is over become spendable. */
  activate: async (deps, now) => ({ ...(await activatePendingPoints(deps.store, now, budgetOf(deps))) }),
  /** Messages before points expire (30 and 7 days by default), then every message due. */
  remind: async (deps, now) => ({ ...(await sendReminders(deps.store, deps.notifier, now, { ...budgetOf(deps), ...(await linksOf(deps)) })) }),
  /** Fading members are flagged and sent one win-back message per lapse, then every message due. */
  winback: async (deps, now) => ({ ...(await flagFadingMembers(deps.store, deps.notifier, now, { ...budgetOf(deps), ...(await linksOf(deps)) })) }),
  /** Members move to fading and lost with time (each at the instant it happened); thresholds tuned restage a shop. */
  lifecycle: async (deps, now) => ({ ...(await moveStages(deps.store, now, budgetOf(deps))) }),
  /** Referrals whose friend's order is past its hold: the advocate is paid, or the referral blocked or void. */
  referrals: async (deps, now) => ({ ...(await settleReferrals(deps.store, now, budgetOf(deps))) }),
  /** Birthday points, once a year on each member's birthday (UTC days). */
  birthdays: async (deps, now) => ({ ...(await grantBirthdayPoints(deps.store, now, budgetOf(deps))) }),
  /** Tiers go down once spend leaves the window, without waiting for the member's next order. */
  tiers: async (deps, now) => ({ ...(await rerateTiers(deps.store, now, budgetOf(deps))) }),
  /** Writes the data exports the webhook processor queued (the cloud's path for `customers/data_request`). */
  'export-data': async (deps, now) => {
    if (!deps.exports) throw new Error('export-data needs an export sink');
    return { ...(await writeQueuedExports(deps.store, deps.exports, now)) };
  },
  /** Creates pending coupons in Shopify: the outbox of redemptions Shopify could not take at once. */
  'issue-coupons': async (deps, now) => ({ ...(await retryPendingCoupons(deps.store, deps.discounts, now, deps.logger ? { log: deps.logger } : {})) }),
  /**
   * Orders read back from Shopify: each shop's history import a step further (started at
   * installation), then the orders updated since the shop's checkpoint, so a missed webhook costs nothing.
   */
  reconcile: async (deps, now) => {
    const options = { ...budgetOf(deps), log: deps.logger ?? consoleOutboxLog };
    const history = await importHistory(deps.store, ordersOf(deps), now, options);
    const orders = await reconcileOrders(deps.store, ordersOf(deps), now, options);
    return { history, orders, more: history.more || orders.more };
  },
  /** The history import alone (locally; in the cloud `reconcile` runs it). */
  import: async (deps, now) => ({ ...(await importHistory(deps.store, ordersOf(deps), now, { ...budgetOf(deps), log: deps.logger ?? consoleOutboxLog })) }),
};

const ordersOf = (deps: JobDeps): OrderSource => {
  if (!deps.orders) throw new Error('this job reads orders from Shopify and was given no Admin API client');
  return deps.orders;
};

const budgetOf = (deps: JobDeps) => (deps.budget ? { budget: deps.budget } : {});
const linksOf = async (deps: JobDeps) => (deps.unsubscribe ? { links: await unsubscribeLinks(deps.unsubscribe) } : {});

export class UnknownJobError extends Error {
  readonly type = 'unknown-job';
  constructor(readonly jobName: string) {
    super(`no job named ${JSON.stringify(jobName).slice(0, 60)}; the jobs are ${Object.keys(jobs).join(', ')}`);
    this.name = 'UnknownJobError';
  }
}

export async function runJob(name: string, deps: JobDeps, now: Date): Promise<Record<string, unknown>> {
  const job = Object.hasOwn(jobs, name) ? jobs[name] : undefined;
  if (!job) throw new UnknownJobError(name);
  return { job: name, now: now.toISOString(), ...(await job(deps, now)) };
}
