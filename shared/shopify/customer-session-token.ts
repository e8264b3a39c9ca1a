/**
 * Customer account session tokens: what a customer account UI extension sends as
 * `Authorization: Bearer …` (`shopify.sessionToken.get()`). A JWT, HS256, signed with the app
 * secret, whose `aud` is the app key, whose `dest` is the shop's domain (Shopify writes it with or
 * without `https://`) and whose `sub` is the signed-in customer's `gid://shopify/Customer/<id>`.
 * Shopify leaves `sub` out when no customer is signed in or the app may not see customer data:
 * such a token names nobody, and is refused here like a forged one.
 *
 * The signature, audience and times are checked as for the admin's session tokens
 * (`verifiedClaims`): against the service's own clock, with a little leeway for clock skew.
 */
import { isShopDomain } from '../http/shop-domain.ts';
import { verifiedClaims } from './session-token.ts';

/** Any reason a customer account session token is refused; the edge answers 401. */
export class InvalidCustomerSessionTokenError extends Error {
  readonly type = 'invalid-customer-session-token';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'InvalidCustomerSessionTokenError';
  }
}

/** Who a verified token speaks for. */
export interface CustomerSession {
  /** The shop's domain, from `dest` without its scheme: `example.myshopify.com`. */
  shop: string;
  /** The numeric customer id of `sub`, as webhooks and the App Proxy name the customer. */
  customerId: string;
}

/** Shopify's numeric ids as the webhooks carry them (see `idSchema` in payloads.ts). */
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/([1-9][0-9]{0,29})$/;

export async function verifyCustomerSessionToken(token: string, secrets: { apiSecret: string; apiKey: string }, now: Date): Promise<CustomerSession> {
  const refuse = (detail: string, options?: { cause?: unknown }) => new InvalidCustomerSessionTokenError(detail, options);
  const payload = await verifiedClaims(token, secrets, now, refuse, 'the customer session token');
  const shop = typeof payload.dest === 'string' ? payload.dest.replace(/^https:\/\//, '') : '';
  if (!isShopDomain(shop)) throw new InvalidCustomerSessionTokenError('the customer session token’s dest is not a shop domain');
  if (payload.sub === undefined) throw new InvalidCustomerSessionTokenError('the customer session token names no customer (no sub): sign in to see your points');
  const customerId = typeof payload.sub === 'string' ? CUSTOMER_GID.exec(payload.sub)?.[1] : undefined;
  if (!customerId) throw new InvalidCustomerSessionTokenError('the customer session token’s sub is not a customer (gid://shopify/Customer/<id>)');
  return { shop, customerId };
}
