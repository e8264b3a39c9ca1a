/** The port of the program's figures: applied off the change stream, read by the KPI pages. */
import type { FigureDelta } from '../../kpis/stats-types.ts';
import type { PriorityRowChange } from '../../lifecycle/priority.ts';

export interface StoredFigures {
  /** The day (`2026-01-31`) or `gauge`. */
  bucket: string;
  counters: Record<string, number>;
}

/**
 * Deltas read from stream records `first` to `last` (sequence numbers of one stream shard),
 * applied together with a mark of those records, so that a retried batch applies nothing twice.
 */
export interface FigureBatch {
  first: string;
  last: string;
  deltas: FigureDelta[];
  /** Rows of the priority lists to write or take out (`lifecycle/priority.ts`), at most one per row. */
  rows?: PriorityRowChange[];
  now: Date;
}

/** `applied`, or the records were applied before, up to `through` (the mark's last record). */
export type FigureBatchResult = { applied: true } | { applied: false; through: string };

export interface FigureStore {
  /** The stored figures of these buckets (days `2026-01-31`, or `gauge`), per item. */
  readStats(shop: string, buckets: string[]): Promise<StoredFigures[]>;
  applyFigures(batch: FigureBatch): Promise<FigureBatchResult>;
}
