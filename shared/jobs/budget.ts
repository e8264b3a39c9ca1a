/**
 * How long a job run may go on starting new work. The run asks before each unit of work (and
 * before each page it reads); what is in flight when the budget runs out is finished, and the
 * run reports `more: true` so the next one goes on. Time comes in from the edge: in Lambda from
 * the invocation's remaining time, locally there is no limit.
 */
export interface Budget {
  /** True while the run may start more work. */
  remains(): boolean;
}

/** No limit: the run goes on until nothing due is left (locally, and in tests). */
export const unlimited: Budget = { remains: () => true };

/**
 * A budget that runs out `marginMs` before the time `remainingMs()` reports is up, leaving the
 * margin for the work in flight to finish (in Lambda: `() => context.getRemainingTimeInMillis()`).
 */
export function timeBudget(remainingMs: () => number, marginMs: number): Budget {
  return { remains: () => remainingMs() > marginMs };
}
