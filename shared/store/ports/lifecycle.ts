/**
 * The port of lifecycle stages and priority customers: members whose stage moves with time, found
 * by date in the due index (`STAGE`), and the priority lists the stream aggregator keeps.
 */
import type { PriorityEntry, PriorityList } from '../../lifecycle/priority.ts';
import type { Member } from '../../ledger/types.ts';
import type { DueMember, DueRange } from './due-index.ts';

export interface LifecycleStore {
  /** Every member whose next stage move is due in `range`, a page at a time (roughly oldest first). */
  dueStagePages(range: DueRange): AsyncIterable<DueMember[]>;
  /** The first `limit` rows of one of a shop's priority lists, highest value first. */
  priorityList(shop: string, list: PriorityList, limit: number): Promise<PriorityEntry[]>;
  /** These members of a shop, those that exist, in no particular order. */
  membersById(shop: string, customerIds: string[]): Promise<Member[]>;
}
