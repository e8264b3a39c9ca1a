/**
 * Where the Admin API access tokens come from until installation flows exist: the shop's record
 * (set through the admin side), else `SHOPIFY_ADMIN_ACCESS_TOKENS`, a JSON object of shop domain
 * to token. `SHOPIFY_ADMIN_URL` sends every call to one base URL instead of `https://{shop}`
 * (a fake Admin API in tests and demos).
 */
import { ShopifyAdminClient } from './admin-graphql.ts';

export function adminClientFromEnv(env: Record<string, string | undefined>): ShopifyAdminClient {
  let configured: Record<string, string> = {};
  if (env.SHOPIFY_ADMIN_ACCESS_TOKENS) {
    try {
      configured = JSON.parse(env.SHOPIFY_ADMIN_ACCESS_TOKENS) as Record<string, string>;
    } catch {
      throw new Error('SHOPIFY_ADMIN_ACCESS_TOKENS is not a JSON object of shop domain to access token');
    }
  }
  const base = env.SHOPIFY_ADMIN_URL;
  return new ShopifyAdminClient({
    accessToken: (shop) => shop.adminAccessToken ?? (Object.hasOwn(configured, shop.shop) ? configured[shop.shop] : undefined),
    ...(base ? { endpoint: () => base.replace(/\/$/, '') } : {}),
  });
}
