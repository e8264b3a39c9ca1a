/** The port of the members CSV import: who is there already, and one member's imported balance written once. */
import type { LedgerEntry, Lot, Member } from '../../ledger/types.ts';

/** One customer as the import finds them: their member record (if any), and whether this source was imported already. */
export interface ImportTarget {
  member?: Member;
  /** The import lot of this source exists: the member's balance from it is already here. */
  imported: boolean;
}

/** A member's imported balance: the member, the import lot, and (for points above 0) its ledger entry. */
export interface ImportWrite {
  member: Member;
  lot: Lot;
  entry?: LedgerEntry;
}

/** `already-imported`: the lot is there (another upload got there first); `conflict`: the member changed since read. */
export type ImportWriteResult = 'imported' | 'already-imported' | 'conflict';

export interface MemberImportStore {
  /** Each customer's member and whether the lot `lotId` exists, in consistent batched reads. */
  importTargets(shop: string, lotId: string, customerIds: string[]): Promise<Map<string, ImportTarget>>;
  /** One transaction: the member at the revision read, the lot only if it does not exist yet, the entry. */
  saveImport(shop: string, write: ImportWrite): Promise<ImportWriteResult>;
}
