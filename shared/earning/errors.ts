/** Errors of the earning engine. */

/** The same member kept changing under us; the caller should answer "try again later". */
export class BusyError extends Error {
  readonly type = 'busy';
  constructor(readonly attempts: number) {
    super(`gave up after ${attempts} attempts: the records kept changing concurrently`);
    this.name = 'BusyError';
  }
}
