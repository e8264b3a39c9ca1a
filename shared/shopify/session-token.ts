/**
 * Shopify session tokens (App Bridge): a JWT, HS256, signed with the app secret, whose `aud` is
 * the app key, whose `dest` is the shop (`https://<shop>.myshopify.com`, nothing more) and whose
 * `iss` is that same shop's admin (`https://<shop>.myshopify.com/admin`). The shop comes from
 * `dest` and nothing else; a token whose issuer names another shop, or no shop, is refused.
 * The signature and audience are checked by hono's JWT utilities; the times against the service's
 * own clock, with a little leeway for clock skew.
 */
import { verify } from 'hono/jwt';

export const SESSION_TOKEN_LEEWAY_S = 10;

export class InvalidSessionTokenError extends Error {
  readonly type = 'invalid-session-token';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'InvalidSessionTokenError';
  }
}

export interface SessionUser {
  shop: string;
  /** The staff member (`sub`), recorded with every change they make. */
  userId: string;
}

/**
 * The claims of a JWT signed (HS256) with the app secret for the app key (`aud`), whose `exp` and
 * `nbf` hold at `now` within the leeway; `refuse(detail)` makes the error thrown otherwise. Shared
 * by the admin's session tokens and the customer account's.
 */
export async function verifiedClaims(
  token: string,
  secrets: { apiSecret: string; apiKey: string },
  now: Date,
  refuse: (detail: string, options?: { cause?: unknown }) => Error,
  noun = 'the session token',
): Promise<Record<string, unknown>> {
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secrets.apiSecret, { alg: 'HS256', aud: secrets.apiKey, exp: false, nbf: false, iat: false })) as Record<string, unknown>;
  } catch (cause) {
    throw refuse(`${noun} is not signed for this app`, { cause });
  }
  const seconds = now.getTime() / 1000;
  const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  if (!isTime(payload.exp) || payload.exp + SESSION_TOKEN_LEEWAY_S <= seconds) throw refuse(`${noun} has expired`);
  if (payload.nbf !== undefined && (!isTime(payload.nbf) || payload.nbf - SESSION_TOKEN_LEEWAY_S > seconds)) throw refuse(`${noun} is not valid yet`);
  return payload;
}

export async function verifySessionToken(token: string, secrets: { apiSecret: string; apiKey: string }, now: Date): Promise<SessionUser> {
  const payload = await verifiedClaims(token, secrets, now, (detail, options) => new InvalidSessionTokenError(detail, options));
  const shop = typeof payload.dest === 'string' ? SHOP_URL.exec(payload.dest)?.[1] : undefined;
  if (!shop) throw new InvalidSessionTokenError('the session token’s dest is not a shop (https://<shop>.myshopify.com)');
  if (payload.iss !== `https://${shop}/admin`) throw new InvalidSessionTokenError('the session token’s iss is not the admin of the shop in its dest (https://<shop>.myshopify.com/admin)');
  return { shop, userId: typeof payload.sub === 'string' && payload.sub ? payload.sub : 'unknown' };
}

/** `https://<shop>.myshopify.com`: Shopify's own shop domains, no port, path, query or user part. */
const SHOP_URL = /^https:\/\/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.myshopify\.com)$/;
