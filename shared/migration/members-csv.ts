/**
 * The members export (`GET /admin/members.csv`): one row per member in this app's own import shape
 * (`OWN_EXPORT_COLUMNS`), so a file exported here imports into another shop as it is. Text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written after a `'`; the import
 * takes that `'` off again.
 */
import { stringify } from 'csv-stringify/sync';
import type { Member } from '../ledger/types.ts';
import { OWN_EXPORT_COLUMNS } from './file-shapes.ts';

/** The header line. */
export function membersCsvHeader(): string {
  return stringify([[...OWN_EXPORT_COLUMNS]], { record_delimiter: 'windows' });
}

/** The lines of these members, in the header's order. */
export function membersCsvRows(members: Member[], shop: string): string {
  if (!members.length) return '';
  return stringify(
    members.map((member) => [
      member.customerId,
      safeText(member.contact.email),
      safeText(member.contact.firstName),
      safeText(member.contact.lastName),
      member.balance,
      member.pending,
      safeText(member.tier),
      member.lifetimeEarned,
      member.orderCount ?? 0,
      member.lastOrderAt ?? '',
      member.enrolledAt,
      safeText(stageOf(member)),
      shop,
    ]),
    { record_delimiter: 'windows' },
  );
}

/** The member's lifecycle stage, where the lifecycle feature has given one. */
function stageOf(member: Member): string | undefined {
  const stage = (member as { stage?: unknown }).stage;
  if (typeof stage === 'string') return stage;
  if (stage && typeof stage === 'object') {
    const named = (stage as { stage?: unknown; name?: unknown; current?: unknown });
    for (const value of [named.stage, named.name, named.current]) if (typeof value === 'string') return value;
  }
  return undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function safeText(text: string | undefined): string {
  if (!text) return '';
  return FORMULA_START.test(text) ? `'${text}` : text;
}
