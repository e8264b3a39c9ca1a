/** Shopify webhook HMAC: base64 HMAC-SHA256 of the raw body, keyed with the app secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhook(rawBody: Uint8Array | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Compares in constant time over the raw bytes; any missing or malformed header is a mismatch. */
export function isValidWebhookSignature(rawBody: Uint8Array, header: string | undefined | null, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
