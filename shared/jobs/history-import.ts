/**
 * The history import: once per shop, from its installation, the orders of the 365 days before it
 * are read through a bulk operation and fed through the earning engine, so tiers, lifetime spend
 * and the figures start right. They count as imported history (`OrderPaid.imported`): points only
 * if the program's `history.importedOrdersEarnPoints` says so.
 *
 * A shop's import is one small item (`JOB#history` in its partition): `pass` is the instant its
 * history ends (the installation: orders created before it are history, for the reconciliation too),
 * `cursor` the bulk operation and the line of its file to go on from. Each run takes it one step
 * further: start the export, ask how it goes, then read the file from that line while the budget
 * lasts. Every order is a replay the engine recognises, so a run that stops anywhere (or is repeated)
 * loses nothing and adds nothing.
 */
import { addDays } from '../clock.ts';
import { newShop } from '../earning/shops.ts';
import type { OutboxLog } from '../rewards/outbox.ts';
import type { OrderSource } from '../shopify/order-feed.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { unlimited, type Budget } from './budget.ts';
import { logRejected, replayOrder, type RejectedOrder } from './order-replay.ts';

export const HISTORY_JOB = 'history';
export const HISTORY_DAYS = 365;
/** Exports started for one shop before the import gives up (each failed or expired). */
const MAX_STARTS = 5;
/** The import's item is saved every this many orders (and when a run stops). */
const SAVE_EVERY = 50;

interface HistoryState {
  operationId?: string;
  /** The next line of the export's file to read. */
  line: number;
  /** Exports started so far. */
  starts: number;
  lastError?: string;
}

export interface HistoryRun {
  shops: number;
  /** Exports started in this run. */
  started: number;
  /** Shops whose export is still running in Shopify, or that Shopify cannot be asked for now. */
  waiting: number;
  /** Orders of history read and fed in this run. */
  orders: number;
  /** Events that changed something (an order seen before changes nothing). */
  applied: number;
  rejected: RejectedOrder[];
  /** Shops whose import finished in this run. */
  finished: number;
  failed: number;
  /** The budget ran out with an import unfinished. */
  more: boolean;
}

export interface JobOptions {
  budget?: Budget;
  log: OutboxLog;
}

/**
 * At installation (the first session token of a shop's admin): the shop's history is dated (orders
 * created before `now` are history) and its import queued, the shop made known if it was not; the
 * next `reconcile` run starts the export. A shop whose import has begun is left alone.
 */
export async function beginHistoryImport(store: LoyaltyStore, shop: string, now: Date): Promise<boolean> {
  if (await store.jobProgress(shop, HISTORY_JOB)) return false;
  // Listed among the shops (which the jobs go through) from now, not from its first webhook.
  if (!(await store.getShop(shop))) await store.commit({ shop, change: { lots: [], entries: [] }, shopRecord: newShop(shop, now), now });
  const state: HistoryState = { line: 0, starts: 0 };
  await store.saveJobProgress(shop, HISTORY_JOB, { pass: now.toISOString(), cursor: JSON.stringify(state), done: false, updatedAt: now.toISOString() });
  return true;
}

/** What the Setup screen shows of a shop's history import. */
export interface HistoryStatus {
  /** The orders created in `[from, until)` are the shop's history. */
  from: string;
  until: string;
  /** `queued` until Shopify's export starts; `exporting` until its file is read; `given-up` after repeated failed exports. */
  state: 'queued' | 'exporting' | 'importing' | 'done' | 'given-up';
  lastError?: string;
}

export async function historyStatus(store: LoyaltyStore, shop: string): Promise<HistoryStatus | undefined> {
  const progress = await store.jobProgress(shop, HISTORY_JOB);
  if (!progress) return undefined;
  const state: HistoryState = progress.cursor ? (JSON.parse(progress.cursor) as HistoryState) : { line: 0, starts: 0 };
  const until = new Date(progress.pass);
  const phase: HistoryStatus['state'] = progress.done ? (state.starts >= MAX_STARTS && state.lastError ? 'given-up' : 'done') : !state.operationId ? 'queued' : state.line > 0 ? 'importing' : 'exporting';
  return { from: addDays(until, -HISTORY_DAYS).toISOString(), until: until.toISOString(), state: phase, ...(state.lastError && phase !== 'done' ? { lastError: state.lastError } : {}) };
}

/** Where a shop's history ends: orders created before it are imported history. Undefined until the import has begun. */
export async function historyBoundary(store: LoyaltyStore, shop: string): Promise<string | undefined> {
  return (await store.jobProgress(shop, HISTORY_JOB))?.pass;
}

export async function importHistory(store: LoyaltyStore, source: OrderSource, now: Date, options: JobOptions): Promise<HistoryRun> {
  const budget = options.budget ?? unlimited;
  const shops = (await store.listShops()).filter((shop) => shop.active);
  const run: HistoryRun = { shops: shops.length, started: 0, waiting: 0, orders: 0, applied: 0, rejected: [], finished: 0, failed: 0, more: false };
  for (const shop of shops) {
    if (!budget.remains()) {
      run.more = true;
      break;
    }
    await importStep(store, source, shop, now, run, { ...options, budget });
  }
  return run;
}

async function importStep(store: LoyaltyStore, source: OrderSource, shop: Shop, now: Date, run: HistoryRun, options: Required<JobOptions>): Promise<void> {
  const { log, budget } = options;
  const progress = await store.jobProgress(shop.shop, HISTORY_JOB);
  if (progress?.done) return;
  const boundary = progress?.pass ?? now.toISOString();
  const state: HistoryState = progress?.cursor ? (JSON.parse(progress.cursor) as HistoryState) : { line: 0, starts: 0 };
  const save = (done = false) => store.saveJobProgress(shop.shop, HISTORY_JOB, { pass: boundary, cursor: JSON.stringify(state), done, updatedAt: now.toISOString() });
  const giveUpIfTooMany = async (reason: string) => {
    state.lastError = reason;
    if (state.starts < MAX_STARTS) return save();
    log.error('history import: given up after repeated failures of the export; tiers start from the orders seen since installation', { shop: shop.shop, reason, starts: state.starts });
    return save(true);
  };

  if (!state.operationId) {
    const end = new Date(boundary);
    const started = await source.startHistory(shop, addDays(end, -HISTORY_DAYS), end);
    if (started.kind === 'started') {
      state.operationId = started.operationId;
      state.line = 0;
      state.starts++;
      run.started++;
      await save();
    } else {
      // The boundary is kept even when Shopify cannot start the export yet: it dates the history.
      if (started.kind === 'retry') run.waiting++;
      else {
        state.starts++;
        log.warn('history import: Shopify refused to start the export', { shop: shop.shop, reason: started.reason });
      }
      await (started.kind === 'retry' ? save() : giveUpIfTooMany(started.reason));
      return;
    }
  }

  const operation = await source.historyState(shop, state.operationId!);
  if (operation.kind !== 'state') {
    run.waiting++;
    if (!progress) await save();
    return;
  }
  if (operation.status === 'CREATED' || operation.status === 'RUNNING' || operation.status === 'CANCELING') {
    run.waiting++;
    return;
  }
  if (operation.status !== 'COMPLETED') {
    log.warn('history import: the export did not complete; another is started', { shop: shop.shop, status: operation.status, errorCode: operation.errorCode });
    delete state.operationId;
    await giveUpIfTooMany(`export ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ''}`);
    return;
  }
  if (!operation.url) {
    // Nothing to import: no order in the year before installation.
    run.finished++;
    await save(true);
    return;
  }

  let sinceSave = 0;
  try {
    for await (const order of source.historyOrders(operation.url, state.line)) {
      if (!budget.remains()) {
        run.more = true;
        await save();
        return;
      }
      const replay = await replayOrder(store, { shop: shop.shop, node: order.node, now, importedBefore: boundary });
      run.orders++;
      if (replay.kind === 'rejected') {
        const rejected = { shop: shop.shop, orderId: replay.orderId, reason: replay.reason };
        run.rejected.push(rejected);
        logRejected(log, 'history import', rejected);
      } else run.applied += replay.applied;
      state.line = order.nextLine;
      if (++sinceSave >= SAVE_EVERY) {
        await save();
        sinceSave = 0;
      }
    }
  } catch (error) {
    // DynamoDB busy, the file unreachable: what was applied is saved, the next run goes on from there.
    run.failed++;
    log.error('history import: stopped; the next run goes on from the last order applied', { shop: shop.shop, line: state.line, error: error instanceof Error ? error.message : String(error) });
    if (/file answered 4\d\d/.test(error instanceof Error ? error.message : '')) {
      delete state.operationId; // the file's link expired (seven days): a new export, replays add nothing
    }
    await save();
    return;
  }
  run.finished++;
  await save(true);
}
