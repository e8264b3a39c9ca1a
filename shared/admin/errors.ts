/** Errors of the store owner's own changes, each with a stable `type` for the problem+json answer and the logs. */

export class AdminError extends Error {
  readonly type: string = 'admin-error';
}

/** A manual adjustment that would take more points than the member holds: balances never go below zero. */
export class AdjustmentBelowZeroError extends AdminError {
  override readonly type = 'balance-below-zero';
  constructor(
    /** The member's balance now. */
    readonly balance: number,
    /** The points the adjustment would take. */
    readonly points: number,
  ) {
    super(`This adjustment would take the balance below zero: the member has ${balance} ${balance === 1 ? 'point' : 'points'}, and it would take ${points}.`);
    this.name = 'AdjustmentBelowZeroError';
  }
}
