/**
 * Shopify App Proxy signature: hex HMAC-SHA256, keyed with the app secret, of every query
 * parameter but `signature`, sorted by name, each `name=value` (values of one name joined by `,`),
 * concatenated with no separator.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const PROXY_TIMESTAMP_TOLERANCE_S = 300;

export type ProxyQuery = Record<string, string[]>;

export function proxyMessage(query: ProxyQuery): string {
  return Object.keys(query)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${query[name]!.join(',')}`)
    .join('');
}

export function signProxyQuery(query: ProxyQuery, secret: string): string {
  return createHmac('sha256', secret).update(proxyMessage(query)).digest('hex');
}

export type ProxyCheck = { ok: true } | { ok: false; reason: string };

export function checkProxySignature(query: ProxyQuery, secret: string, now: Date): ProxyCheck {
  const signature = query.signature?.[0];
  if (!signature || query.signature!.length !== 1 || !/^[0-9a-f]{64}$/i.test(signature)) {
    return { ok: false, reason: 'the App Proxy signature is missing' };
  }
  const expected = Buffer.from(signProxyQuery(query, secret), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return { ok: false, reason: 'the App Proxy signature does not match' };
  }
  const timestamp = Number(query.timestamp?.[0]);
  if (!Number.isFinite(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > PROXY_TIMESTAMP_TOLERANCE_S) {
    return { ok: false, reason: 'the App Proxy timestamp is missing or more than 5 minutes off' };
  }
  return { ok: true };
}
