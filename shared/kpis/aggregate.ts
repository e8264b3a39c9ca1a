/**
 * The figures' aggregator: the records of one stream shard, in order, cut into batches that fit one
 * transaction, each applied with a mark of its first and last record. A retry that starts at a
 * record already applied skips to after the mark's last record: each record counts once, whatever
 * Lambda (or the local poller) delivers again. Pure orchestration over the `FigureStore` port.
 */
import type { FigureStore } from '../store/ports.ts';
import { figuresOf, mergeDeltas } from './figures-of.ts';
import type { FigureDelta, FigureSource } from './stats-types.ts';
import { priorityRowsOf, type PriorityRowChange } from '../lifecycle/priority.ts';

/** One stream record: its sequence number, and what it changed (none: nothing the figures read). */
export interface StreamChange {
  sequence: string;
  source?: FigureSource;
}

/** Items one transaction may write besides the mark (DynamoDB takes 100 per transaction). */
export const MAX_FIGURE_ITEMS = 90;
/** Counters one item's update may add (DynamoDB takes an update expression of 4 KB). */
export const MAX_COUNTERS_PER_ITEM = 200;

export interface AggregateRun {
  records: number;
  applied: number;
  skipped: number;
  /** The first record not applied (the run stopped or failed there): where a retry starts. */
  failedFrom?: string;
  error?: unknown;
}

const after = (a: string, b: string) => BigInt(a) > BigInt(b);

/**
 * Applies `changes` (one shard's records, in order). Stops at the first batch that fails, or when
 * `keepGoing` says so, and reports the record to start again from.
 */
export async function aggregate(store: Pick<FigureStore, 'applyFigures'>, changes: StreamChange[], now: Date, keepGoing: () => boolean = () => true): Promise<AggregateRun> {
  const run: AggregateRun = { records: changes.length, applied: 0, skipped: 0 };
  let i = 0;
  while (i < changes.length) {
    if (!keepGoing()) return { ...run, failedFrom: changes[i]!.sequence };
    const { end, deltas, rows } = nextBatch(changes, i);
    if (deltas.length === 0 && rows.length === 0) {
      run.skipped += end - i;
      i = end;
      continue;
    }
    try {
      const result = await store.applyFigures({ first: changes[i]!.sequence, last: changes[end - 1]!.sequence, deltas, ...(rows.length ? { rows } : {}), now });
      if (result.applied) {
        run.applied += end - i;
        i = end;
      } else {
        // Applied by an earlier delivery, maybe as part of a longer batch: skip what its mark covers.
        let next = i + 1;
        while (next < changes.length && !after(changes[next]!.sequence, result.through)) next++;
        run.skipped += next - i;
        i = next;
      }
    } catch (error) {
      return { ...run, failedFrom: changes[i]!.sequence, error };
    }
  }
  return run;
}

/** From record `start`, as many records as keep the merged deltas within one transaction. */
function nextBatch(changes: StreamChange[], start: number): { end: number; deltas: FigureDelta[]; rows: PriorityRowChange[] } {
  const items = new Map<string, Set<string>>();
  const deltas: FigureDelta[] = [];
  // The priority lists' rows (`lifecycle/priority.ts`), one write per row: the last change of a row wins.
  const rows = new Map<string, PriorityRowChange>();
  let end = start;
  while (end < changes.length) {
    const source = changes[end]!.source;
    const moved = source ? figuresOf(source) : [];
    const rowsMoved = source?.kind === 'member' ? priorityRowsOf(source.shop, source.before, source.after) : [];
    if (end > start && !fits(items, moved, rows.size + rowsMoved.length)) break;
    for (const row of rowsMoved) rows.set(`${row.shop}\u0000${row.list}\u0000${row.valueMinor}\u0000${row.customerId}`, row);
    for (const delta of moved) {
      const key = `${delta.shop}\u0000${delta.bucket}`;
      const names = items.get(key) ?? items.set(key, new Set()).get(key)!;
      for (const name of Object.keys(delta.add)) names.add(name);
    }
    deltas.push(...moved);
    end++;
  }
  return { end, deltas: mergeDeltas(deltas), rows: [...rows.values()] };
}

/** Whether `moved` still fits the batch: at most so many items, and so many counters on each. */
function fits(items: Map<string, Set<string>>, moved: FigureDelta[], rows = 0): boolean {
  const newItems = new Set(moved.map((delta) => `${delta.shop}\u0000${delta.bucket}`).filter((key) => !items.has(key)));
  if (items.size + newItems.size + rows > MAX_FIGURE_ITEMS) return false;
  return moved.every((delta) => {
    const names = items.get(`${delta.shop}\u0000${delta.bucket}`);
    return !names || new Set([...names, ...Object.keys(delta.add)]).size <= MAX_COUNTERS_PER_ITEM;
  });
}
