/** What one business event changes, written all together or not at all. */
import type { LedgerEntry, Lot, Member, Order } from '../ledger/types.ts';

export interface Change {
  /** The member's new state; its `rev` is the one read, which the write expects to find. */
  member?: Member;
  order?: Order;
  /** Lots created or changed, in full. */
  lots: Lot[];
  entries: LedgerEntry[];
}
