/** The port of the program's stored figures (written with each change; read by the KPI pages). */

export interface StoredFigures {
  counters: Record<string, number>;
  sets: Record<string, string[]>;
}

export interface FigureStore {
  /** The stored figures of these buckets (days `2026-01-31`, or `gauge`): counters and sets, per item. */
  readStats(shop: string, buckets: string[]): Promise<StoredFigures[]>;
}
