/**
 * The members CSV import: a file read and checked whole, email-only rows matched to the shop's
 * customers through Shopify, then each member's balance brought in as one lot (source `import`,
 * earned at the import, expiring by the program's expiry) with its ledger entry. Each member is
 * written in its own transaction whose lot (`import:{source}`) must not exist yet: the same file
 * uploaded again, or a pass repeated, adds nothing and says so (`alreadyImported`).
 *
 * A pass stops when its time is up (`timeLeft`) and names the row to go on from (`nextRow`); a file
 * with any problem writes nothing at all.
 */
import { addDays } from '../clock.ts';
import { BusyError } from '../earning/errors.ts';
import { credit, newMember } from '../earning/members.ts';
import type { LedgerEntry, Lot } from '../ledger/types.ts';
import type { Shop } from '../store/ports.ts';
import type { ImportTarget, ImportWrite, MemberImportStore } from '../store/ports/member-import.ts';
import { InvalidImportError } from './errors.ts';
import { SOURCE_NAMES, type ImportSource } from './file-shapes.ts';
import type { ImportRow, MemberFile, RowProblem } from './member-rows.ts';

/** The largest upload (bigger: 413). About 20,000 rows of a wide export. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** The most member rows one upload may hold (more: 413; split the file). */
export const MAX_IMPORT_ROWS = 20_000;
/** The most rows without a customer id one upload may hold: each is looked up at Shopify by email. */
export const MAX_EMAIL_LOOKUPS = 1_000;
/** How many problems an answer lists (`problemCount` says how many there are). */
export const MAX_LISTED_PROBLEMS = 1_000;

/** Who a shop's email addresses belong to: Shopify's customers (`shared/shopify/customers-by-email.ts`). */
export interface CustomerDirectory {
  /**
   * The customer id of each address (lower-cased) that belongs to a customer of the shop; addresses
   * of no customer are left out. Throws `CustomerLookupUnavailableError` when Shopify cannot say now.
   */
  customerIdsByEmail(shop: Shop, emails: string[]): Promise<Map<string, string>>;
}

export interface ImportContext {
  shop: Shop;
  store: MemberImportStore;
  customers: CustomerDirectory;
  now: Date;
  /** The staff member importing (the session token's `sub`), recorded on each ledger entry. */
  userId: string;
}

/** A row whose customer is known. */
export interface MatchedRow extends ImportRow {
  customerId: string;
  /** Found by its email address at Shopify. */
  byEmail?: true;
}

export interface DryRun {
  /** The shape the header row names; null when it names none (then the problem says so). */
  source: ImportSource | null;
  rows: number;
  valid: number;
  problems: RowProblem[];
  problemCount: number;
  ignoredColumns: string[];
  summary: { members: number; points: number; byEmail: number; newMembers: number; alreadyImported: number };
}

export interface ImportPass {
  source: ImportSource;
  rows: number;
  /** Members whose balance this pass brought in, and their points. */
  imported: number;
  points: number;
  /** Members this pass found already imported from this source (an earlier upload or pass). */
  alreadyImported: number;
  complete: boolean;
  /** Where the next pass goes on (`?from=`), when time ran out first. */
  nextRow: number | null;
}

/** The lot (and ledger entry) of a source's balance: one per member and source. */
export const importLotId = (source: ImportSource) => `import:${source}`;

/** Checks the whole file and answers what an import would do; writes nothing. */
export async function dryRunImport(ctx: ImportContext, file: MemberFile): Promise<DryRun> {
  const { source, matched, problems } = await matchRows(ctx, file, 0);
  const targets = source ? await readTargets(ctx, source, matched) : new Map<string, ImportTarget>();
  // `matched` holds only rows without problems: the rows an import would write.
  const valid = matched;
  return {
    source,
    rows: file.rowCount,
    valid: valid.length,
    problems: problems.slice(0, MAX_LISTED_PROBLEMS),
    problemCount: problems.length,
    ignoredColumns: file.ignoredColumns,
    summary: {
      members: valid.length,
      points: valid.reduce((sum, row) => sum + row.points, 0),
      byEmail: valid.filter((row) => row.byEmail).length,
      newMembers: valid.filter((row) => !targets.get(row.customerId)?.member).length,
      alreadyImported: valid.filter((row) => targets.get(row.customerId)?.imported).length,
    },
  };
}

/**
 * Imports the file's rows from row `from` on, until done or `timeLeft()` says stop. Any problem in
 * the file (rows before `from` too): `InvalidImportError`, nothing written.
 */
export async function importMembers(ctx: ImportContext, file: MemberFile, options: { from?: number; timeLeft: () => boolean }): Promise<ImportPass> {
  const from = options.from ?? 0;
  const { source, matched, problems } = await matchRows(ctx, file, from);
  if (problems.length || !source) throw new InvalidImportError(problems, file.rowCount);
  const pending = matched.filter((row) => row.row >= from);
  const pass: ImportPass = { source, rows: file.rowCount, imported: 0, points: 0, alreadyImported: 0, complete: true, nextRow: null };
  for (let i = 0; i < pending.length; i += CHUNK) {
    if (i > 0 && !options.timeLeft()) {
      pass.complete = false;
      pass.nextRow = pending[i]!.row;
      break;
    }
    const chunk = pending.slice(i, i + CHUNK);
    const targets = await ctx.store.importTargets(ctx.shop.shop, importLotId(source), chunk.map((row) => row.customerId));
    await inParallel(chunk, WRITES_AT_ONCE, async (row) => {
      const outcome = await importRow(ctx, source, row, targets.get(row.customerId) ?? { imported: false });
      if (outcome === 'imported') {
        pass.imported++;
        pass.points += row.points;
      } else pass.alreadyImported++;
    });
  }
  return pass;
}

/** A member's imported balance, as written: the member (enrolled now if new), one lot, one entry. */
export function importWrite(ctx: Pick<ImportContext, 'shop' | 'now' | 'userId'>, source: ImportSource, row: MatchedRow, target: ImportTarget): ImportWrite {
  const at = ctx.now.toISOString();
  const contact = { ...(row.email ? { email: row.email } : {}), ...(row.firstName ? { firstName: row.firstName } : {}), ...(row.lastName ? { lastName: row.lastName } : {}) };
  const base = target.member ?? { ...newMember(ctx.shop.shop, row.customerId, at, ctx.shop.program), contact };
  const lot: Lot = { id: importLotId(source), source: 'import', earnedAt: at, expiresAt: addDays(ctx.now, ctx.shop.program.expiry.days).toISOString(), points: row.points };
  const member = credit(base, lot);
  const entry: LedgerEntry | undefined =
    row.points > 0
      ? { id: importLotId(source), type: 'adjust', points: row.points, occurredAt: at, recordedAt: at, balanceAfter: member.balance, reason: `Points brought over from ${SOURCE_NAMES[source]}`, adjustedBy: ctx.userId }
      : undefined;
  return { member, lot, ...(entry ? { entry } : {}) };
}

/** Rows read from the store this many at a time (two keys each: a BatchGetItem of 100 keys per 50). */
const CHUNK = 50;
/** Members written at once (one transaction each). */
const WRITES_AT_ONCE = 10;
const MAX_ATTEMPTS = 8;

async function importRow(ctx: ImportContext, source: ImportSource, row: MatchedRow, first: ImportTarget): Promise<'imported' | 'already-imported'> {
  let target = first;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (target.imported) return 'already-imported';
    const result = await ctx.store.saveImport(ctx.shop.shop, importWrite(ctx, source, row, target));
    if (result !== 'conflict') return result;
    // The member changed meanwhile (an order, a redemption): read again and recompute.
    target = (await ctx.store.importTargets(ctx.shop.shop, importLotId(source), [row.customerId])).get(row.customerId) ?? { imported: false };
  }
  throw new BusyError(MAX_ATTEMPTS);
}

/**
 * Every row with its customer: rows with a customer id as they are; email-only rows (from row
 * `from` on) looked up at Shopify, an address of no customer being that row's problem, as is a
 * customer named twice (by id and by email, or by two addresses).
 */
async function matchRows(ctx: ImportContext, file: MemberFile, from: number): Promise<{ source: ImportSource | null; matched: MatchedRow[]; problems: RowProblem[] }> {
  if (!file.shape) return { source: null, matched: [], problems: [...file.problems] };
  const source = file.shape.source;
  const problems = [...file.problems];
  const emails = [...new Set(file.rows.filter((row) => !row.customerId && row.row >= from).map((row) => row.email!))];
  const found = emails.length ? await ctx.customers.customerIdsByEmail(ctx.shop, emails) : new Map<string, string>();
  const owners = new Map<string, number>();
  const matched: MatchedRow[] = [];
  for (const row of file.rows) {
    if (row.row < from && !row.customerId) continue;
    const customerId = row.customerId ?? found.get(row.email!);
    if (!customerId) {
      problems.push({ row: row.row, column: file.columns.email, message: `No customer of this shop has the email address ${row.email}: add them in Shopify first, or give their customer id.` });
      continue;
    }
    const earlier = owners.get(customerId);
    if (earlier !== undefined) {
      problems.push({ row: row.row, column: row.customerId ? file.columns.customerId : file.columns.email, message: `The same customer (${customerId}) as row ${earlier}: each member may appear once in a file.` });
      continue;
    }
    owners.set(customerId, row.row);
    matched.push({ ...row, customerId, ...(row.customerId ? {} : { byEmail: true as const }) });
  }
  problems.sort((a, b) => a.row - b.row);
  return { source, matched, problems };
}

async function readTargets(ctx: ImportContext, source: ImportSource, rows: MatchedRow[]): Promise<Map<string, ImportTarget>> {
  const targets = new Map<string, ImportTarget>();
  const chunks: MatchedRow[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) chunks.push(rows.slice(i, i + CHUNK));
  await inParallel(chunks, 4, async (chunk) => {
    const found = await ctx.store.importTargets(ctx.shop.shop, importLotId(source), chunk.map((row) => row.customerId));
    for (const [id, target] of found) targets.set(id, target);
  });
  return targets;
}

/** Runs `work` over `items`, at most `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}
