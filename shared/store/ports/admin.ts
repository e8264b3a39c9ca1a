/** The port of what the admin pages and jobs list: program versions, a shop's members, every shop. */
import type { Member } from '../../ledger/types.ts';
import type { ProgramChange, Shop } from '../records.ts';
import type { Page } from './page.ts';

export interface AdminStore {
  /**
   * Saves a new program version: the shop (expected at `current.rev`) and the audit record of the
   * change, together. False when the shop changed since it was read.
   */
  saveProgram(current: Shop, next: Shop, change: ProgramChange): Promise<boolean>;
  /** The program's versions, newest first: who changed what, when. */
  programHistory(shop: string, limit: number): Promise<ProgramChange[]>;
  /** Members of a shop, by tier then customer id, optionally of one tier. */
  listMembers(shop: string, query: { tier?: string; limit: number; cursor?: string }): Promise<Page<Member>>;
  /**
   * A shop's members whose stored tier is any but `tier` (the program's base tier: those are the
   * ones whose tier may go down), a page at a time in the members index's order (tier, then id).
   * Never a scan: two ranges of the members index around `tier`'s own.
   */
  membersNotInTier(shop: string, tier: string, page: { limit: number; cursor?: string }): Promise<Page<Member>>;
  /** Every shop the service knows (one page of the shops index at a time). */
  listShops(): Promise<Shop[]>;
}
