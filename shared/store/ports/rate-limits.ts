/** The port of the storefront's rate limits: fixed windows counted in the store. */

export interface RateLimitStore {
  /**
   * Takes one of `limit` requests allowed for `key` in the window `windowStart` names (a fixed
   * window, counted with a conditional ADD, expiring by itself). False when the window is used up.
   */
  takeRateToken(shop: string, key: string, windowStart: string, limit: number, expiresAt: Date): Promise<boolean>;
}
