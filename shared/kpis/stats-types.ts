/**
 * The shapes of the program's figures: what a change carries to the store. Apart from `stats.ts`
 * (which computes them) so that `earning/change.ts` can name them without importing the
 * computation, which itself reads changes.
 */

export type StatsBucket = { kind: 'day'; day: string } | { kind: 'gauge' };

export interface StatsUpdate {
  bucket: StatsBucket;
  /** Spreads the figures of one bucket over shards; the customer, so one customer's sets stay together. */
  shardKey: string;
  add: Record<string, number>;
  addToSet?: Record<string, string[]>;
  removeFromSet?: Record<string, string[]>;
}

export interface Feedback {
  id: string;
  customerId: string;
  score: number;
  comment?: string;
  at: string;
}
