/** Time is passed in: every use case takes `now`, and this is where the edges get it from. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock stopped at one instant, as `LOYALTY_NOW` asks for in local mode. */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new Error(`not an ISO 8601 instant: ${iso}`);
  return () => new Date(at);
}

export const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, "2025-04-02". */
export function utcDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function addDays(at: Date | string, days: number): Date {
  return new Date(new Date(at).getTime() + days * DAY_MS);
}
