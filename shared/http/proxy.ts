/**
 * `/proxy/*`: what the storefront sees, through the Shopify App Proxy. Every request carries the
 * proxy's signature; the customer is the one Shopify says is logged in, never one the client names.
 * The routes themselves are the customer's (`member-routes.ts`); this door proves who asks.
 */
import { createMiddleware } from 'hono/factory';
import { newShop } from '../earning/shops.ts';
import { checkProxySignature } from '../shopify/app-proxy-signature.ts';
import type { ApiDeps } from './deps.ts';
import { memberRoutes, type MemberEnv } from './member-routes.ts';
import { HttpProblem } from './problems.ts';
import { isShopDomain } from './shop-domain.ts';

export function proxyRoutes(deps: ApiDeps) {
  const signedByShopify = createMiddleware<MemberEnv>(async (c, next) => {
    const now = deps.clock();
    const query = c.req.queries();
    const check = checkProxySignature(query, (await deps.secrets()).apiSecret, now);
    if (!check.ok) throw new HttpProblem(401, 'invalid-signature', check.reason);
    const domain = query.shop?.[0] ?? '';
    if (!isShopDomain(domain)) throw new HttpProblem(400, 'invalid-request', 'the shop parameter is not a shop domain');
    // A correctly signed request from a shop not seen before makes it known, with the default program.
    const shop = (await deps.store.getShop(domain)) ?? (await deps.store.ensureShop(newShop(domain, now)));
    const customerId = query.logged_in_customer_id?.[0] || undefined;
    if (customerId !== undefined && !/^[1-9][0-9]{0,19}$/.test(customerId)) {
      throw new HttpProblem(400, 'invalid-request', 'logged_in_customer_id is not a customer id');
    }
    c.set('shop', shop);
    c.set('customerId', customerId);
    c.set('now', now);
    await next();
  });

  return memberRoutes(deps, signedByShopify);
}
