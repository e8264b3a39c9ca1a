/** Errors of the members CSV import, each with a stable `type` for the problem+json answer and the logs. */
import type { RowProblem } from './member-rows.ts';

export class MigrationError extends Error {
  readonly type: string = 'migration-error';
}

/** A file with problems: nothing of it was written. `problems` lists every one (the answer may show the first ones). */
export class InvalidImportError extends MigrationError {
  override readonly type = 'invalid-import';
  constructor(readonly problems: RowProblem[], readonly rowCount: number) {
    super(`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file; nothing was imported. Correct the rows listed and upload the file again.`);
    this.name = 'InvalidImportError';
  }
}

/** Shopify could not be asked who the file's email addresses belong to, now: nothing was written; try again later. */
export class CustomerLookupUnavailableError extends MigrationError {
  override readonly type = 'shopify-unavailable';
  constructor(readonly retryAfterMs: number, reason: string) {
    super(`Shopify could not look up the file's email addresses right now (${reason}); nothing was imported. Try again in a moment.`);
    this.name = 'CustomerLookupUnavailableError';
  }
}
