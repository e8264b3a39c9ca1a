/**
 * The Admin API client and the shops' tokens, as the environment configures them:
 * - tokens come from the shop's token item (`ShopAccessTokens`: token exchange, refresh), except
 *   that `SHOPIFY_ADMIN_ACCESS_TOKENS`, a JSON object of shop domain to token, overrides them
 *   (local runs and demos);
 * - `SHOPIFY_ADMIN_URL` sends every Admin API and token call to one base URL instead of
 *   `https://{shop}` (a fake Shopify in tests and demos).
 */
import { ShopifyAdminClient } from './admin-graphql.ts';
import type { ShopAccessTokens } from './access-tokens.ts';
import { AdminGraphql } from './admin-graphql-transport.ts';
import { ShopifyOrderSource } from './order-feed.ts';

/** `SHOPIFY_ADMIN_ACCESS_TOKENS`, read: shop domain → access token. */
export function accessTokenOverrides(env: Record<string, string | undefined>): Record<string, string> {
  if (!env.SHOPIFY_ADMIN_ACCESS_TOKENS) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.SHOPIFY_ADMIN_ACCESS_TOKENS);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((token) => typeof token === 'string')) {
    throw new Error('SHOPIFY_ADMIN_ACCESS_TOKENS is not a JSON object of shop domain to access token');
  }
  return parsed as Record<string, string>;
}

/** `SHOPIFY_ADMIN_URL` without its trailing slash, when set. */
export function adminBaseUrl(env: Record<string, string | undefined>): string | undefined {
  return env.SHOPIFY_ADMIN_URL ? env.SHOPIFY_ADMIN_URL.replace(/\/$/, '') : undefined;
}

/** The Admin API client; without `tokens`, only the overrides of `SHOPIFY_ADMIN_ACCESS_TOKENS`. */
export function adminClientFromEnv(env: Record<string, string | undefined>, tokens?: ShopAccessTokens): ShopifyAdminClient {
  const overrides = accessTokenOverrides(env);
  const base = adminBaseUrl(env);
  return new ShopifyAdminClient({
    accessToken: (shop) => (tokens ? tokens.accessToken(shop.shop) : Object.hasOwn(overrides, shop.shop) ? overrides[shop.shop] : undefined),
    ...(tokens ? { onTokenRefused: (shop: string, token: string, status: number) => tokens.refused(shop, token, status) } : {}),
    ...(base ? { endpoint: () => base } : {}),
  });
}

/** Orders read back from the shops' Admin API (reconciliation, history import), tokens as for the coupon client. */
export function orderSourceFromEnv(env: Record<string, string | undefined>, tokens?: ShopAccessTokens): ShopifyOrderSource {
  const overrides = accessTokenOverrides(env);
  const base = adminBaseUrl(env);
  const admin = new AdminGraphql({
    accessToken: (shop) => (tokens ? tokens.accessToken(shop.shop) : Object.hasOwn(overrides, shop.shop) ? overrides[shop.shop] : undefined),
    ...(tokens ? { onTokenRefused: (shop: string, token: string, status: number) => tokens.refused(shop, token, status) } : {}),
    ...(base ? { endpoint: () => base } : {}),
    // A page of orders is a larger call than a coupon's: give Shopify longer to answer it.
    timeoutMs: 20_000,
  });
  return new ShopifyOrderSource(admin);
}

/**
 * The generic Admin GraphQL transport over the shops' tokens (`ShopAccessTokens`, which honours
 * `SHOPIFY_ADMIN_ACCESS_TOKENS`), at `SHOPIFY_ADMIN_URL` when set: one per process, so the clients
 * built on it (metafields, Flow triggers) share each shop's cost bucket.
 */
export function adminGraphqlFromEnv(env: Record<string, string | undefined>, tokens: Pick<ShopAccessTokens, 'accessToken' | 'refused'>): AdminGraphql {
  const base = adminBaseUrl(env);
  return new AdminGraphql({
    accessToken: (shop) => tokens.accessToken(shop.shop),
    onTokenRefused: (shop, token, status) => tokens.refused(shop, token, status),
    ...(base ? { endpoint: () => base } : {}),
  });
}

/**
 * The shops' tokens, each kept for `keepMs` once read (a batch of Admin API calls for one shop
 * reads its token item and opens it once, not once a call); a refused token is forgotten at once.
 * Tokens are renewed a minute before they expire, so a few seconds' keeping never hands out a dead one.
 */
export function recentTokens(tokens: Pick<ShopAccessTokens, 'accessToken' | 'refused'>, keepMs = 10_000, now: () => number = Date.now): Pick<ShopAccessTokens, 'accessToken' | 'refused'> {
  const kept = new Map<string, { token: Promise<string | undefined>; until: number }>();
  return {
    accessToken(shop) {
      const hit = kept.get(shop);
      if (hit && hit.until > now()) return hit.token;
      const token = tokens.accessToken(shop);
      kept.set(shop, { token, until: now() + keepMs });
      return token;
    },
    async refused(shop, accessToken, status) {
      kept.delete(shop);
      await tokens.refused(shop, accessToken, status);
    },
  };
}
