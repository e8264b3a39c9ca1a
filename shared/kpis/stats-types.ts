/**
 * The shapes of the program's figures: what changed in the ledger (a `FigureSource`, read off the
 * table's change stream) and the counters it moves (`FigureDelta`). Plain types, shared by the
 * pure computation and the store.
 */
import type { LedgerEntry, Member, Order } from '../ledger/types.ts';
import type { Coupon } from '../rewards/coupon.ts';

export interface Feedback {
  id: string;
  customerId: string;
  score: number;
  comment?: string;
  at: string;
}

/** One stored record as it was before a write and as it is after (absent: did not exist). */
export type FigureSource =
  | { kind: 'member'; shop: string; before?: Member; after?: Member }
  | { kind: 'order'; shop: string; before?: Order; after?: Order }
  | { kind: 'coupon'; shop: string; before?: Coupon; after?: Coupon }
  /** Ledger entries and survey answers are only ever added. */
  | { kind: 'ledger'; shop: string; entry: LedgerEntry; /** The entry's member (outbound events name them). */ customerId?: string }
  | { kind: 'feedback'; shop: string; feedback: Feedback };

/** Counters to add to one bucket of a shop's figures: a day (`2026-11-27`) or `gauge` (totals of now). */
export interface FigureDelta {
  shop: string;
  bucket: string;
  add: Record<string, number>;
}

export const GAUGE = 'gauge';
