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

/**
 * Passes (one per shop) take turns a page each: a pass whose `page` says there is more goes to the
 * back of the line, so one shop's backlog holds up no other. `concurrency` pages at once, until no
 * pass is left or the budget ends; answers whether passes were left for the next run.
 */
export async function inTurns<P>(passes: P[], page: (pass: P) => Promise<boolean>, budget: Budget, concurrency: number): Promise<boolean> {
  const line = [...passes];
  const worker = async () => {
    for (let pass = line.shift(); pass; pass = line.shift()) {
      if (!budget.remains()) {
        line.unshift(pass);
        return;
      }
      if (await page(pass)) line.push(pass);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, line.length) }, worker));
  return line.length > 0;
}
