/**
 * Draining what is due: one engine for the jobs that work through the due index (expiry,
 * activation, reminders, win-back, message delivery). A run reads the index page by page and
 * keeps going until nothing due is left or its budget runs out; it works on several members at
 * once, and takes the shops in turn, so one shop's backlog never holds up another's items.
 *
 * Fairness without a per-shop index: the due index is ordered by time across all shops, so a
 * shop with 50,000 lots due at one instant stands before every item of a later instant. The run
 * reads ahead of its work into a queue per shop and serves the queues in turn; a shop's queue
 * holds at most `shopQueueCap` units, and what comes past that is left in the index (nothing is
 * written for it) while the run reads on to the other shops. When the walk reaches the end and
 * a shop's queue was full, the run walks the index again from the start: what was done has
 * left it, so the next walk finds the rest. A walk skims index keys only, which costs little
 * beside the work itself.
 *
 * Each unit of work must be idempotent (every job's change is a conditional write): a run that
 * stops, fails or overlaps another loses nothing and does nothing twice.
 */
import { unlimited, type Budget } from './budget.ts';

export interface DrainTuning {
  /** Units of work in flight at once. */
  concurrency?: number;
  /** About how many due items one read of the index brings, across its shards. */
  pageSize?: number;
  /** Units one shop may have waiting at once; past that its items wait for a later walk. */
  shopQueueCap?: number;
  /** Units waiting, all shops together, past which the run stops reading ahead. */
  readAhead?: number;
}

export interface DrainOptions extends DrainTuning {
  /** When to stop starting work; no limit by default. */
  budget?: Budget;
}

export interface DueSource<T> {
  /** A walk over what is due, a page at a time; each call starts again from the oldest. */
  pages(pageSize: number): AsyncIterable<T[]>;
  /** The shop an item is of: the run serves the shops in turn. */
  shopOf(item: T): string;
  /** Items of one key are one unit of work (say, one member's due lots). */
  keyOf(item: T): string;
  /** Does one unit; `items` are those of its key the walk found before it started. */
  work(items: T[]): Promise<void>;
}

export interface Drained {
  /** Units of work done. */
  units: number;
  /** The due items those units covered. */
  items: number;
  /** Walks of the index the run made. */
  walks: number;
  /** The budget ran out before nothing due was left: the next run goes on. */
  more: boolean;
}

export const DEFAULT_DRAIN: Required<DrainTuning> = { concurrency: 16, pageSize: 1000, shopQueueCap: 1000, readAhead: 4000 };

export async function drain<T>(source: DueSource<T>, options: DrainOptions = {}): Promise<Drained> {
  const { concurrency, pageSize, shopQueueCap, readAhead } = { ...DEFAULT_DRAIN, ...definedOf(options) };
  const budget = options.budget ?? unlimited;
  const run: Drained = { units: 0, items: 0, walks: 0, more: false };
  const queues = new ShopQueues<T>();
  /** Keys waiting, in flight or done in this run: a key is worked once per run. */
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  let walk = source.pages(pageSize)[Symbol.asyncIterator]();
  run.walks++;
  let walked = false; // the walk reached the end of what is due
  let overflow = false; // the walk left items of a shop whose queue was full

  const take = (item: T) => {
    const key = source.keyOf(item);
    const shop = source.shopOf(item);
    if (seen.has(key)) {
      // Found again in the same walk (a member's second due lot): one unit. Found by a later
      // walk while it still waits: the unit has it already.
      queues.append(shop, key, item, run.walks);
      return;
    }
    if (queues.sizeOf(shop) >= shopQueueCap) {
      overflow = true;
      return;
    }
    queues.add(shop, key, item, run.walks);
    seen.add(key);
  };
  const start = (items: T[]) => {
    const task: Promise<void> = source
      .work(items)
      .then(
        () => {
          run.units++;
          run.items += items.length;
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  try {
    while (!failure) {
      while (inFlight.size < concurrency && queues.size > 0 && budget.remains()) start(queues.next());
      if (!budget.remains()) break;
      if (!walked && queues.size < readAhead) {
        const page = await walk.next();
        if (page.done) walked = true;
        else for (const item of page.value) take(item);
        continue;
      }
      if (walked && overflow && queues.size <= concurrency) {
        // Another walk for what full queues left behind; what is done has left the index.
        walk = source.pages(pageSize)[Symbol.asyncIterator]();
        run.walks++;
        walked = false;
        overflow = false;
        continue;
      }
      // Nothing to read and nothing in flight: then nothing waits either (see the loop above).
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
    if (!walked) await walk.return?.();
  }
  if (failure) throw failure.error;
  run.more = queues.size > 0 || !walked || overflow;
  return run;
}

/** Units waiting per shop, served one shop at a time in turn. */
class ShopQueues<T> {
  private readonly byShop = new Map<string, Map<string, { walk: number; items: T[] }>>();
  private readonly ring: string[] = [];
  private turn = 0;
  size = 0;

  sizeOf(shop: string): number {
    return this.byShop.get(shop)?.size ?? 0;
  }

  /** Adds an item to the waiting unit of its key, if that unit came from the same walk. */
  append(shop: string, key: string, item: T, walk: number): void {
    const unit = this.byShop.get(shop)?.get(key);
    if (unit?.walk === walk) unit.items.push(item);
  }

  add(shop: string, key: string, item: T, walk: number): void {
    let units = this.byShop.get(shop);
    if (!units) {
      units = new Map();
      this.byShop.set(shop, units);
      this.ring.push(shop);
    }
    units.set(key, { walk, items: [item] });
    this.size++;
  }

  /** The oldest unit of the next shop in turn. Only when `size > 0`. */
  next(): T[] {
    this.turn %= this.ring.length;
    const shop = this.ring[this.turn]!;
    const units = this.byShop.get(shop)!;
    const [key, { items }] = units.entries().next().value!;
    units.delete(key);
    this.size--;
    if (units.size > 0) this.turn++;
    else {
      this.byShop.delete(shop);
      this.ring.splice(this.turn, 1);
    }
    return items;
  }
}

function definedOf<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
