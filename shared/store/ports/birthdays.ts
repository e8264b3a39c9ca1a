/** The port of birthdays: a member's birthday written with its entry in the due index, and that index walked by the `birthdays` job. */
import type { Change } from '../../earning/change.ts';
import type { Member } from '../../ledger/types.ts';
import type { DueRange } from './due-index.ts';

/** A member whose birthday points may be due. */
export interface DueBirthday {
  shop: string;
  customerId: string;
}

export interface BirthdayStore {
  /**
   * Writes the member (expecting its `rev` as read; 0: not stored yet) with its birthday's entry in
   * the due index (out of it when the member has no birthday), together. False when the member changed meanwhile: read again and retry.
   */
  saveMemberBirthday(member: Member): Promise<boolean>;
  /**
   * Writes a birthday grant (the member, its lot and ledger entry; each entry once) and moves the
   * member's due entry to the birthday's next date, together. False on a conflict.
   */
  commitBirthdayGrant(change: Change & { member: Member }): Promise<boolean>;
  /** Every birthday due by `range.before`, a page at a time, roughly oldest first. */
  dueBirthdayPages(range: DueRange): AsyncIterable<DueBirthday[]>;
}
