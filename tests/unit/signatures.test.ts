import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { InvalidSessionTokenError, verifySessionToken } from '../../shared/shopify/session-token.ts';
import { checkProxySignature, signProxyQuery } from '../../shared/shopify/app-proxy-signature.ts';
import { isValidWebhookSignature, signWebhook } from '../../shared/shopify/webhook-signature.ts';

describe('webhook signatures', () => {
  const body = new TextEncoder().encode('{"id":1}');

  it('accept the base64 HMAC-SHA256 of the raw body', () => {
    expect(isValidWebhookSignature(body, signWebhook(body, 'secret'), 'secret')).toBe(true);
  });

  it('reject a missing, malformed, wrong-key or wrong-body signature', () => {
    expect(isValidWebhookSignature(body, undefined, 'secret')).toBe(false);
    expect(isValidWebhookSignature(body, 'not base64!', 'secret')).toBe(false);
    expect(isValidWebhookSignature(body, signWebhook(body, 'other'), 'secret')).toBe(false);
    expect(isValidWebhookSignature(new TextEncoder().encode('{"id":2}'), signWebhook(body, 'secret'), 'secret')).toBe(false);
  });
});

describe('App Proxy signatures', () => {
  // Shopify's documented example: shared secret "hush".
  const documented = {
    extra: ['1', '2'],
    shop: ['shop-name.myshopify.com'],
    logged_in_customer_id: ['1'],
    path_prefix: ['/apps/awesome_reviews'],
    timestamp: ['1317327555'],
  };

  it('match Shopify’s documented example', () => {
    expect(signProxyQuery(documented, 'hush')).toBe('4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb');
  });

  it('are accepted within five minutes of the timestamp', () => {
    const query = { ...documented, signature: [signProxyQuery(documented, 'hush')] };
    expect(checkProxySignature(query, 'hush', new Date((1317327555 + 299) * 1000))).toEqual({ ok: true });
    expect(checkProxySignature(query, 'hush', new Date((1317327555 + 301) * 1000)).ok).toBe(false);
  });

  it('are rejected when missing, altered or made with another key', () => {
    const at = new Date(1317327555 * 1000);
    expect(checkProxySignature(documented, 'hush', at).ok).toBe(false);
    const signature = [signProxyQuery(documented, 'hush')];
    expect(checkProxySignature({ ...documented, logged_in_customer_id: ['2'], signature }, 'hush', at).ok).toBe(false);
    expect(checkProxySignature({ ...documented, signature }, 'other', at).ok).toBe(false);
  });
});

describe('Shopify session tokens', () => {
  const secrets = { apiSecret: 'app-secret', apiKey: 'app-key' };
  const now = new Date('2026-03-01T12:00:00Z');
  const at = Math.floor(now.getTime() / 1000);
  const claims = { iss: 'https://demo.myshopify.com/admin', dest: 'https://demo.myshopify.com', aud: 'app-key', sub: '42', exp: at + 60, nbf: at, iat: at };
  const verifyClaims = async (payload: Record<string, unknown>) => verifySessionToken(await sign(payload, secrets.apiSecret, 'HS256'), secrets, now);

  it('name the shop of their dest and the staff member of their sub', async () => {
    expect(await verifyClaims(claims)).toEqual({ shop: 'demo.myshopify.com', userId: '42' });
  });

  it('are refused when iss is not the admin of the shop in dest', async () => {
    for (const iss of ['https://demo.myshopify.com', 'https://other.myshopify.com/admin', 'https://demo.myshopify.com/admin/', 'http://demo.myshopify.com/admin', undefined, 42]) {
      await expect(verifyClaims({ ...claims, iss })).rejects.toThrow(InvalidSessionTokenError);
    }
  });

  it('are refused when dest is not a bare myshopify.com shop', async () => {
    for (const dest of ['https://demo.example.com', 'https://demo.myshopify.com/admin', 'https://demo.myshopify.com/', 'https://demo.myshopify.com.evil.example', 'https://user@demo.myshopify.com', 'demo.myshopify.com', 'https://demo.myshopify.com:8443']) {
      const host = dest.replace(/^https:\/\//, '').replace(/\/.*$/, '');
      await expect(verifyClaims({ ...claims, dest, iss: `https://${host}/admin` })).rejects.toThrow(InvalidSessionTokenError);
    }
  });
});
