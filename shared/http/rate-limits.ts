/**
 * Per-customer rate limits on the storefront's writes: a double-clicking widget or a script
 * hammering redemptions or the survey gets 429 with `Retry-After`, before any work is done.
 */
import type { RateLimitStore } from '../store/ports.ts';
import { HttpProblem } from './problems.ts';

export interface RateLimit {
  action: string;
  limit: number;
  windowSeconds: number;
}

/** Ten redemptions a minute is more than any person clicks; five survey answers an hour. */
export const REDEMPTION_LIMIT: RateLimit = { action: 'redeem', limit: 10, windowSeconds: 60 };
export const FEEDBACK_LIMIT: RateLimit = { action: 'feedback', limit: 5, windowSeconds: 3600 };

export async function enforceRateLimit(store: RateLimitStore, shop: string, customerId: string, rule: RateLimit, now: Date): Promise<void> {
  const windowMs = rule.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const end = new Date(start + windowMs);
  const allowed = await store.takeRateToken(shop, `${rule.action}#${customerId}`, new Date(start).toISOString(), rule.limit, new Date(end.getTime() + windowMs));
  if (!allowed) {
    throw new HttpProblem(429, 'rate-limited', `at most ${rule.limit} ${rule.action} requests per ${rule.windowSeconds} s; try again later`, {
      retryAfter: Math.ceil((end.getTime() - now.getTime()) / 1000),
    });
  }
}
