/**
 * Customer account session tokens as Shopify makes them for a customer account UI extension:
 * HS256 with the app secret, `aud` the app key, `dest` the shop, `sub` the customer's gid. Every
 * claim can be bent (or left out with `null`) to make the tokens the service must refuse.
 */
import { sign } from 'hono/jwt';
import { API_KEY, SECRET, SHOP } from './http.ts';

export interface CustomerTokenOptions {
  at: Date;
  /** The numeric customer id; `sub` becomes its gid unless `sub` is given. */
  customerId?: string;
  shop?: string;
  /** `dest` as written; default `https://<shop>`. `null` leaves it out. */
  dest?: string | null;
  /** `sub` as written; `null` leaves it out (no customer signed in). */
  sub?: string | null;
  aud?: string;
  secret?: string;
  /** Seconds from `at`; default 300 (Shopify's tokens live five minutes). */
  expiresIn?: number;
  notBefore?: number;
}

export async function customerSessionToken(options: CustomerTokenOptions): Promise<string> {
  const now = Math.floor(options.at.getTime() / 1000);
  const shop = options.shop ?? SHOP;
  const claims: Record<string, unknown> = {
    iss: `https://${shop}`,
    dest: options.dest === undefined ? `https://${shop}` : options.dest,
    aud: options.aud ?? API_KEY,
    sub: options.sub === undefined ? `gid://shopify/Customer/${options.customerId ?? '1001'}` : options.sub,
    exp: now + (options.expiresIn ?? 300),
    nbf: now + (options.notBefore ?? 0),
    iat: now,
    jti: crypto.randomUUID(),
    sid: crypto.randomUUID(),
  };
  for (const [name, value] of Object.entries(claims)) if (value === null) delete claims[name];
  return sign(claims as Parameters<typeof sign>[0], options.secret ?? SECRET, 'HS256');
}

/** `Authorization` and `Origin` as the extension's worker sends them. */
export function customerHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, origin: 'https://extensions.shopifycdn.com', ...extra };
}
