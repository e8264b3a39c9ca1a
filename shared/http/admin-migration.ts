/**
 * Bringing members in and taking them out, as CSV:
 * - `POST /admin/imports?dryRun=true` (body: the file, `text/csv`): what an import would do, every
 *   row's problem listed; writes nothing.
 * - `POST /admin/imports[?from=ROW]`: the import; a file with any problem answers 422 with every
 *   one and writes nothing; else each member's balance comes in once (a pass stops before the API's
 *   timeout and names `nextRow`: send the same file again with `?from=` that row).
 * - `GET /admin/members.csv[?cursor=…]`: the shop's members, up to 10,000 a part; `Loyalty-Next-Cursor`
 *   names the next part.
 * Mounted before the admin's 256 KiB body limit: an upload may be up to 5 MB.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { newShop } from '../earning/shops.ts';
import { CustomerLookupUnavailableError, InvalidImportError } from '../migration/errors.ts';
import { dryRunImport, importMembers, MAX_EMAIL_LOOKUPS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_LISTED_PROBLEMS, type ImportContext } from '../migration/import-members.ts';
import { readMemberFile } from '../migration/member-rows.ts';
import { membersCsvHeader, membersCsvRows } from '../migration/members-csv.ts';
import { utcDay } from '../clock.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';

type MigrationEnv = { Variables: { user: SessionUser; now: Date } };

/** How long one import pass writes before it answers (the API function has 10 s). */
export const IMPORT_PASS_BUDGET_MS = 6_000;
/** Members per part of the export (a part is one answer; the admin joins the parts). */
export const EXPORT_PART_MEMBERS = 10_000;
const EXPORT_PAGE = 500;
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel', 'application/octet-stream'];

export function migrationRoutes(deps: ApiDeps, options: { passBudgetMs?: number; exportPartMembers?: number } = {}) {
  const budget = options.passBudgetMs ?? IMPORT_PASS_BUDGET_MS;
  const partMembers = options.exportPartMembers ?? EXPORT_PART_MEMBERS;
  return new Hono<MigrationEnv>()
    .post(
      '/imports',
      bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => problem(c, 413, 'payload-too-large', `an import file is limited to ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files`) }),
      async (c) => {
        const { shop: domain, userId } = c.get('user');
        const now = c.get('now');
        const dryRun = flag(c.req.query('dryRun'));
        const from = rowParam(c.req.query('from'));
        const type = (c.req.header('content-type') ?? 'text/csv').split(';')[0]!.trim().toLowerCase();
        if (!CSV_TYPES.includes(type)) throw new HttpProblem(415, 'unsupported-media-type', `send the file itself as text/csv, not ${type}`);
        if (!deps.memberImports || !deps.customers) throw new HttpProblem(503, 'not-configured', 'the import is not configured in this deployment');
        const file = readMemberFile(await c.req.text(), domain);
        if (file.rowCount > MAX_IMPORT_ROWS) throw new HttpProblem(413, 'payload-too-large', `the file has ${file.rowCount} rows; an import takes at most ${MAX_IMPORT_ROWS}: split it into smaller files`);
        const byEmail = file.rows.filter((row) => !row.customerId).length;
        if (byEmail > MAX_EMAIL_LOOKUPS) {
          throw new HttpProblem(413, 'payload-too-large', `${byEmail} rows name no customer id, and each is looked up at Shopify by email; a file takes at most ${MAX_EMAIL_LOOKUPS} such rows: add the customer ids, or split the file`);
        }
        const ctx: ImportContext = { shop: (await deps.store.getShop(domain)) ?? newShop(domain, now), store: deps.memberImports, customers: deps.customers, now, userId };
        const log = deps.logger.createChild({ persistentKeys: { shop: domain, userId } });
        try {
          if (dryRun) {
            const answer = await dryRunImport(ctx, file);
            log.info('member import checked', { source: answer.source, rows: answer.rows, valid: answer.valid, problemCount: answer.problemCount });
            return c.json(answer);
          }
          const started = performance.now();
          const pass = await importMembers(ctx, file, { ...(from ? { from } : {}), timeLeft: () => performance.now() - started < budget });
          log.info('members imported', { source: pass.source, rows: pass.rows, from: from ?? 2, imported: pass.imported, points: pass.points, alreadyImported: pass.alreadyImported, nextRow: pass.nextRow });
          return c.json(pass);
        } catch (error) {
          if (error instanceof InvalidImportError) {
            log.info('member import refused: problems in the file', { problemCount: error.problems.length, rows: error.rowCount });
            throw new HttpProblem(422, error.type, error.message, { rows: error.rowCount, problems: error.problems.slice(0, MAX_LISTED_PROBLEMS), problemCount: error.problems.length });
          }
          if (error instanceof CustomerLookupUnavailableError) {
            log.warn('member import: Shopify could not look up emails', { errorType: error.type, retryAfterMs: error.retryAfterMs });
            throw new HttpProblem(503, error.type, error.message, { retryAfter: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) });
          }
          throw error;
        }
      },
    )
    .get('/members.csv', async (c) => {
      const { shop } = c.get('user');
      let cursor = c.req.query('cursor') || undefined;
      let text = cursor ? '' : `\uFEFF${membersCsvHeader()}`;
      let count = 0;
      do {
        const page = await deps.store.listMembers(shop, { limit: Math.min(EXPORT_PAGE, partMembers - count), ...(cursor ? { cursor } : {}) });
        text += membersCsvRows(page.items, shop);
        count += page.items.length;
        cursor = page.cursor;
      } while (cursor && count < partMembers);
      deps.logger.info('members exported', { shop, members: count, more: cursor !== undefined });
      return c.body(text, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="members-${shop.replace(/\.myshopify\.com$/, '')}-${utcDay(c.get('now'))}.csv"`,
        'cache-control': 'no-store',
        ...(cursor ? { 'loyalty-next-cursor': cursor } : {}),
      });
    });
}

function flag(value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1' || value === '') return true;
  throw new HttpProblem(400, 'invalid-request', 'dryRun is true or false');
}

function rowParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const row = Number(value);
  if (!Number.isInteger(row) || row < 2 || row > MAX_IMPORT_ROWS + 1_000_000) throw new HttpProblem(400, 'invalid-request', 'from is a row number of the file, 2 or more (row 1 is the header)');
  return row;
}
