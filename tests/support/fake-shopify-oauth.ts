/**
 * Shopify's token endpoint, faked on the fake Admin API's own server (`POST /admin/oauth/access_token`):
 * it checks what it is sent (client id and secret, grant types, the session token's signature and
 * shop, `expiring: "1"`), issues expiring offline tokens per shop, rotates refresh tokens on every
 * refresh and refuses one used before. The Admin GraphQL fake accepts the latest access token issued.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FakeShopifyAdmin } from './fake-shopify-admin.ts';

export interface TokenRequest {
  grantType: string;
  body: Record<string, unknown>;
  /** The shop the request was for (from the session token, or the refresh token's shop). */
  shop?: string;
}

export interface FakeShopifyOAuth {
  requests: TokenRequest[];
  /** Access tokens issued, and for which shop. */
  issued: Map<string, string>;
  /** Refresh tokens that still work, and their shop. */
  liveRefreshTokens: Map<string, string>;
  /** Behaviours of the next token requests: refuse (400 invalid_grant), down (503); ok once they run out. */
  next: ('refuse' | 'down')[];
  expiresIn: number;
  refreshTokenExpiresIn: number;
  /** Holds every answer this long (so concurrent callers overlap). */
  delayMs: number;
}

export const FAKE_SCOPES = 'read_customers,read_orders,write_discounts,write_store_credit_account_transactions';

export function withFakeShopifyOAuth(fake: FakeShopifyAdmin, app: { apiKey: string; apiSecret: string }): FakeShopifyOAuth {
  const oauth: FakeShopifyOAuth = { requests: [], issued: new Map(), liveRefreshTokens: new Map(), next: [], expiresIn: 3600, refreshTokenExpiresIn: 90 * 86_400, delayMs: 0 };
  let serial = 0;
  const issue = (shop: string) => {
    serial++;
    const accessToken = `shpat_fake_${serial}`;
    const refreshToken = `shprt_fake_${serial}`;
    oauth.issued.set(accessToken, shop);
    oauth.liveRefreshTokens.set(refreshToken, shop);
    fake.token = accessToken;
    return { access_token: accessToken, expires_in: oauth.expiresIn, refresh_token: refreshToken, refresh_token_expires_in: oauth.refreshTokenExpiresIn, scope: FAKE_SCOPES };
  };
  fake.oauth = (raw, send) => {
    const answer = (status: number, payload: unknown) => void setTimeout(() => send(status, payload), oauth.delayMs);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return answer(400, { error: 'invalid_request' });
    }
    const request: TokenRequest = { grantType: String(body.grant_type), body };
    oauth.requests.push(request);
    if (body.client_id !== app.apiKey || body.client_secret !== app.apiSecret) return answer(401, { error: 'invalid_client' });
    const behaviour = oauth.next.shift();
    if (behaviour === 'down') return answer(503, { error: 'temporarily_unavailable' });
    if (body.grant_type === 'urn:ietf:params:oauth:grant-type:token-exchange') {
      const shop = sessionTokenShop(String(body.subject_token), app);
      if (shop) request.shop = shop;
      if (body.subject_token_type !== 'urn:ietf:params:oauth:token-type:id_token' || body.requested_token_type !== 'urn:shopify:params:oauth:token-type:offline-access-token' || body.expiring !== '1') {
        return answer(400, { error: 'invalid_request' });
      }
      if (!shop || behaviour === 'refuse') return answer(400, { error: 'invalid_subject_token' });
      return answer(200, issue(shop));
    }
    if (body.grant_type === 'refresh_token') {
      const shop = oauth.liveRefreshTokens.get(String(body.refresh_token));
      if (shop) request.shop = shop;
      if (!shop || behaviour === 'refuse') return answer(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      oauth.liveRefreshTokens.delete(String(body.refresh_token)); // rotated: it never works again
      return answer(200, issue(shop));
    }
    return answer(400, { error: 'unsupported_grant_type' });
  };
  return oauth;
}

/** The shop of a session token signed with the app's secret for its key; undefined for anything else. */
function sessionTokenShop(token: string, app: { apiKey: string; apiSecret: string }): string | undefined {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac('sha256', app.apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { dest?: string; aud?: string };
  if (claims.aud !== app.apiKey) return undefined;
  return /^https:\/\/([a-z0-9-]+\.myshopify\.com)$/.exec(claims.dest ?? '')?.[1];
}
