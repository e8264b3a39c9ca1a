/** Optimistic writes: read, decide, write expecting nothing changed; on `conflict`, again. */
import { BusyError } from '../earning/errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  /** Waits before attempt `attempt` (2, 3, …). */
  backoff: (attempt: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 40,
  backoff: (attempt) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** attempt))),
};

export async function retryOnConflict<T>(attempt: () => Promise<T | 'conflict'>, policy: RetryPolicy = defaultRetryPolicy): Promise<T> {
  for (let n = 1; n <= policy.maxAttempts; n++) {
    if (n > 1) await policy.backoff(n);
    const result = await attempt();
    if (result !== 'conflict') return result;
  }
  throw new BusyError(policy.maxAttempts);
}
