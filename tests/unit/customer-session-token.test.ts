import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { problemTitles } from '../../shared/http/problems.ts';
import { InvalidCustomerSessionTokenError, verifyCustomerSessionToken } from '../../shared/shopify/customer-session-token.ts';
import { customerSessionToken } from '../support/customer-tokens.ts';
import { API_KEY, SECRET, SHOP } from '../support/http.ts';

const secrets = { apiSecret: SECRET, apiKey: API_KEY };
const at = new Date('2026-06-01T12:00:00Z');
const seconds = (s: number) => new Date(at.getTime() + s * 1000);

async function refusal(token: string, now = at): Promise<string> {
  const error = await verifyCustomerSessionToken(token, secrets, now).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidCustomerSessionTokenError);
  return (error as Error).message;
}

describe('customer account session tokens', () => {
  it('name the shop and the customer of a token Shopify signed for this app', async () => {
    const token = await customerSessionToken({ at, customerId: '7365' });

    expect(await verifyCustomerSessionToken(token, secrets, at)).toEqual({ shop: SHOP, customerId: '7365' });
  });

  it('take dest with or without https://, and customer ids of any size Shopify uses', async () => {
    const bare = await customerSessionToken({ at, dest: SHOP, sub: 'gid://shopify/Customer/123456789012345678901234567890' });

    expect(await verifyCustomerSessionToken(bare, secrets, at)).toEqual({ shop: SHOP, customerId: '123456789012345678901234567890' });
  });

  it('refuse a token signed with another secret, for another app, or changed after signing', async () => {
    expect(await refusal(await customerSessionToken({ at, secret: 'forged' }))).toMatch(/not signed for this app/);
    expect(await refusal(await customerSessionToken({ at, aud: 'another-app' }))).toMatch(/not signed for this app/);
    const good = await customerSessionToken({ at });
    const [header, , signature] = good.split('.');
    const otherCustomer = btoa(JSON.stringify({ dest: SHOP, aud: API_KEY, sub: 'gid://shopify/Customer/2', exp: at.getTime() / 1000 + 60 })).replace(/=+$/, '');
    expect(await refusal(`${header}.${otherCustomer}.${signature}`)).toMatch(/not signed/);
  });

  it('refuse anything but HS256, and what is not a JWT', async () => {
    const hs512 = await sign({ dest: SHOP, aud: API_KEY, sub: 'gid://shopify/Customer/1', exp: at.getTime() / 1000 + 60 }, SECRET, 'HS512');
    const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${btoa(JSON.stringify({ dest: SHOP, aud: API_KEY, sub: 'gid://shopify/Customer/1', exp: 2e9 }))}.`;

    expect(await refusal(hs512)).toMatch(/not signed/);
    expect(await refusal(unsigned)).toMatch(/not signed/);
    expect(await refusal('not-a-token')).toMatch(/not signed/);
  });

  it('hold exp (required) and nbf to the service clock, with ten seconds of leeway', async () => {
    const token = await customerSessionToken({ at, expiresIn: 60, notBefore: 30 });

    expect(await refusal(token, seconds(19))).toMatch(/not valid yet/);
    await expect(verifyCustomerSessionToken(token, secrets, seconds(21))).resolves.toMatchObject({ shop: SHOP });
    await expect(verifyCustomerSessionToken(token, secrets, seconds(69))).resolves.toMatchObject({ shop: SHOP });
    expect(await refusal(token, seconds(70))).toMatch(/expired/);
    const neverExpires = await sign({ dest: SHOP, aud: API_KEY, sub: 'gid://shopify/Customer/1' }, SECRET, 'HS256');
    expect(await refusal(neverExpires)).toMatch(/expired/);
  });

  it('refuse a token without a customer, or whose sub is not a customer gid', async () => {
    expect(await refusal(await customerSessionToken({ at, sub: null }))).toMatch(/no customer/);
    for (const sub of ['1001', 'gid://shopify/Order/1001', 'gid://shopify/Customer/', 'gid://shopify/Customer/0', 'gid://shopify/Customer/12a', 'gid://shopify/Customer/1001?x=1']) {
      expect([sub, await refusal(await customerSessionToken({ at, sub }))]).toEqual([sub, expect.stringMatching(/sub is not a customer/)]);
    }
  });

  it('refuse a dest that is not a shop domain', async () => {
    for (const dest of [null, '', 'https://', 'http://test-shop.myshopify.com', 'https://test-shop.myshopify.com/admin', 'https://test-shop.myshopify.com:443', 'https://Test-Shop.myshopify.com', 'localhost']) {
      expect([dest, await refusal(await customerSessionToken({ at, dest }))]).toEqual([dest, expect.stringMatching(/dest is not a shop/)]);
    }
  });

  it('have a stable problem type with a human title', () => {
    const error = new InvalidCustomerSessionTokenError('x');

    expect(error.type).toBe('invalid-customer-session-token');
    expect(problemTitles[error.type]).toMatch(/^[A-Z].*\.$/);
  });
});
