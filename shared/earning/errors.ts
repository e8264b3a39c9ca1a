/** Errors of the earning engine. */

/** The same member kept changing under us; the caller should answer "try again later". */
export class BusyError extends Error {
  readonly type = 'busy';
  constructor(readonly attempts: number) {
    super(`gave up after ${attempts} attempts: the records kept changing concurrently`);
    this.name = 'BusyError';
  }
}

/**
 * An order whose shop money is in another currency than the one the shop's program counts in:
 * tiers, points and figures would mix currencies, so nothing is recorded.
 */
export class CurrencyMismatchError extends Error {
  readonly type = 'currency-mismatch';
  constructor(
    readonly orderId: string,
    readonly currency: string,
    readonly shopCurrency: string,
  ) {
    super(`order ${orderId} is in ${currency}, but this shop's program counts in ${shopCurrency}: nothing was recorded`);
    this.name = 'CurrencyMismatchError';
  }
}

