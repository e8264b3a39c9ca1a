/**
 * Shopify's OAuth token endpoint, `POST {shop}/admin/oauth/access_token`: a session token exchanged
 * for an expiring offline access token (token exchange), and a refresh token for the next one.
 * Every answer is either a grant, a refusal (`TokenRefusedError`, 4xx) or "try later"
 * (`TokenEndpointUnavailableError`: no answer, 429, 5xx, not a token).
 */
import * as z from 'zod/mini';
import { TokenEndpointUnavailableError, TokenRefusedError } from './errors.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const OFFLINE_ACCESS_TOKEN_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';

/** What Shopify grants, with its relative lifetimes turned into instants. */
export interface TokenGrant {
  accessToken: string;
  /** Absent for a token that does not expire. */
  expiresAt?: string;
  refreshToken?: string;
  refreshTokenExpiresAt?: string;
  scope?: string;
}

const AnswerSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.optional(z.number()),
  refresh_token: z.optional(z.string()),
  refresh_token_expires_in: z.optional(z.number()),
  scope: z.optional(z.string()),
});

export interface TokenEndpointOptions {
  /** `https://{shop}` in production; `SHOPIFY_ADMIN_URL` (a fake) locally and in tests. */
  base: (shop: string) => string;
  /** The app's client id and secret, read when needed (they may change without a redeploy). */
  credentials: () => Promise<{ apiKey: string; apiSecret: string }>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class ShopifyTokenEndpoint {
  constructor(private readonly options: TokenEndpointOptions) {}

  /** The session token of a shop's admin, exchanged for an expiring offline access token. */
  exchange(shop: string, sessionToken: string, now: Date): Promise<TokenGrant> {
    return this.post(shop, 'token-exchange', now, {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: sessionToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: OFFLINE_ACCESS_TOKEN_TYPE,
      expiring: '1',
    });
  }

  /** A new access token (and a new refresh token: the one given is used up). */
  refresh(shop: string, refreshToken: string, now: Date): Promise<TokenGrant> {
    return this.post(shop, 'refresh-token', now, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async post(shop: string, grant: 'token-exchange' | 'refresh-token', now: Date, fields: Record<string, string>): Promise<TokenGrant> {
    const { apiKey, apiSecret } = await this.options.credentials();
    const url = `${this.options.base(shop).replace(/\/$/, '')}/admin/oauth/access_token`;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ client_id: apiKey, client_secret: apiSecret, ...fields }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (cause) {
      throw new TokenEndpointUnavailableError(`Shopify's token endpoint did not answer (${cause instanceof Error ? cause.name : 'error'})`, { cause });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 429 || response.status >= 500) throw new TokenEndpointUnavailableError(`Shopify's token endpoint answered ${response.status}`);
    if (response.status >= 400) {
      const error = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error.slice(0, 100) : undefined;
      throw new TokenRefusedError(grant, response.status, error);
    }
    const parsed = AnswerSchema.safeParse(body);
    if (!response.ok || !parsed.success) throw new TokenEndpointUnavailableError(`Shopify's token endpoint answered ${response.status} without a token`);
    const at = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(now.getTime() + seconds * 1000).toISOString());
    const { access_token, expires_in, refresh_token, refresh_token_expires_in, scope } = parsed.data;
    const expiresAt = at(expires_in);
    const refreshTokenExpiresAt = at(refresh_token_expires_in);
    return {
      accessToken: access_token,
      ...(expiresAt ? { expiresAt } : {}),
      ...(refresh_token ? { refreshToken: refresh_token } : {}),
      ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
  }
}
