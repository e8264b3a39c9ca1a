/**
 * Unsubscribe links in customer messages: `<base>/unsubscribe?shop=…&customer=…&sig=…`, where `sig`
 * is the base64url HMAC-SHA256 of the shop and the customer id, keyed with the app secret. No login
 * is needed and no link can be made for another customer without the secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The path the HTTP app answers them on. */
export const UNSUBSCRIBE_PATH = '/unsubscribe';

export function unsubscribeSignature(secret: string, shop: string, customerId: string): string {
  return createHmac('sha256', secret).update(`unsubscribe\n${shop}\n${customerId}`).digest('base64url');
}

export function unsubscribeUrl(baseUrl: string, secret: string, shop: string, customerId: string): string {
  const query = new URLSearchParams({ shop, customer: customerId, sig: unsubscribeSignature(secret, shop, customerId) });
  return `${baseUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}?${query}`;
}

/** Whether `sig` is the link's signature, compared in constant time. */
export function isUnsubscribeSignature(secret: string, shop: string, customerId: string, sig: string): boolean {
  const expected = Buffer.from(unsubscribeSignature(secret, shop, customerId));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Makes a member's unsubscribe link; jobs that send marketing mail put it in every message. */
export type UnsubscribeLinks = (shop: string, customerId: string) => string;

/** The links of one base URL and app secret (read once per job run). */
export async function unsubscribeLinks(options: { baseUrl: string; secret: () => Promise<string> }): Promise<UnsubscribeLinks> {
  const secret = await options.secret();
  return (shop, customerId) => unsubscribeUrl(options.baseUrl, secret, shop, customerId);
}
