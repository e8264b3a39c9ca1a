/**
 * Shopify session tokens (App Bridge): a JWT, HS256, signed with the app secret, whose `aud` is
 * the app key and whose `dest` is `https://<shop>`. The shop comes from `dest` and nothing else.
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

export async function verifySessionToken(token: string, secrets: { apiSecret: string; apiKey: string }, now: Date): Promise<SessionUser> {
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secrets.apiSecret, { alg: 'HS256', aud: secrets.apiKey, exp: false, nbf: false, iat: false })) as Record<string, unknown>;
  } catch (cause) {
    throw new InvalidSessionTokenError('the session token is not signed for this app', { cause });
  }
  const seconds = now.getTime() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp + SESSION_TOKEN_LEEWAY_S <= seconds) throw new InvalidSessionTokenError('the session token has expired');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf - SESSION_TOKEN_LEEWAY_S > seconds)) {
    throw new InvalidSessionTokenError('the session token is not valid yet');
  }
  const dest = typeof payload.dest === 'string' ? /^https:\/\/([a-z0-9][a-z0-9.-]*[a-z0-9])\/?$/.exec(payload.dest) : null;
  if (!dest?.[1]) throw new InvalidSessionTokenError('the session token names no shop');
  return { shop: dest[1], userId: typeof payload.sub === 'string' && payload.sub ? payload.sub : 'unknown' };
}
