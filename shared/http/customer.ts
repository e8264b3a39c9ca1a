/**
 * `/customer/*`: the customer account extension's routes (see the contract, "Customer accounts").
 * The customer and the shop are the ones a customer account session token names, and nothing the
 * client says otherwise: a request that also names another shop is refused. The storefront's
 * routes are the same here (`member-routes.ts`), plus one order's points for the order status page.
 *
 * The extension runs in a sandboxed worker whose requests come from Shopify's extension origin, so
 * these routes (and only these) answer CORS preflights and name that origin.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { orderLotId } from '../earning/orders.ts';
import { newShop } from '../earning/shops.ts';
import type { Lot, Order } from '../ledger/types.ts';
import { InvalidCustomerSessionTokenError, verifyCustomerSessionToken } from '../shopify/customer-session-token.ts';
import type { ApiDeps } from './deps.ts';
import { memberRoutes, type MemberEnv } from './member-routes.ts';
import { HttpProblem } from './problems.ts';

/** Where customer account UI extensions run (their web worker's origin). */
export const CUSTOMER_EXTENSION_ORIGIN = 'https://extensions.shopifycdn.com';

/** An order as the App Proxy and webhooks name it (digits), or its Admin API gid. */
const ORDER_ID = /^(?:gid:\/\/shopify\/Order\/)?([1-9][0-9]{0,29})$/;

/** Only the extension's origin; the headers its requests carry; the answers' headers it may read. */
const customerCors = cors({
  origin: CUSTOMER_EXTENSION_ORIGIN,
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
  exposeHeaders: ['Idempotent-Replayed', 'Retry-After'],
  maxAge: 600,
});

export function customerRoutes(deps: ApiDeps) {
  const customerSession = createMiddleware<MemberEnv>(async (c, next) => {
    const now = deps.clock();
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new InvalidCustomerSessionTokenError('Authorization: Bearer <customer account session token> is missing');
    const session = await verifyCustomerSessionToken(token, await deps.secrets(), now);
    // Another shop's token is refused, not quietly answered for the token's own shop.
    for (const named of [c.req.query('shop'), c.req.header('x-shopify-shop-domain')]) {
      if (named !== undefined && named !== session.shop) throw new InvalidCustomerSessionTokenError('the customer session token is for another shop than the one named');
    }
    // A correctly signed request from a shop not seen before makes it known, with the default program.
    const shop = (await deps.store.getShop(session.shop)) ?? (await deps.store.ensureShop(newShop(session.shop, now)));
    c.set('shop', shop);
    c.set('customerId', session.customerId);
    c.set('now', now);
    await next();
  });

  const routes = memberRoutes(deps, customerSession).get('/orders/:orderId', async (c) => {
    const orderId = ORDER_ID.exec(c.req.param('orderId'))?.[1];
    if (!orderId) throw new HttpProblem(400, 'invalid-request', 'the order id is a number or gid://shopify/Order/<number>');
    const shop = c.get('shop').shop;
    const customerId = c.get('customerId')!;
    const { order, lot } = await deps.store.getOrderAndLot(shop, orderId, customerId, orderLotId(orderId));
    // Another customer's order is answered exactly like one that does not exist.
    if (!order || order.customerId !== customerId) throw new HttpProblem(404, 'not-found', 'no such order among yours');
    return c.json(orderPointsView(order, lot));
  });
  // CORS first: a preflight carries no token, and is answered before the session is checked.
  return new Hono().use(customerCors).route('/', routes);
}

/** What one order earned, net of its reversals, and whether those points are still in the return window. */
function orderPointsView(order: Order, lot: Lot | undefined) {
  const points = order.paid ? Math.max(0, order.paid.points - order.reversedPoints) : 0;
  return {
    orderId: order.orderId,
    points,
    pending: points > 0 && lot?.pendingUntil !== undefined,
    earnedAt: order.paid?.at ?? null,
  };
}
