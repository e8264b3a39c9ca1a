import { describe, expect, it } from 'vitest';
import { recentTokens } from '../../shared/shopify/admin-config.ts';

describe('recent tokens', () => {
  it('read a shop’s token once while it is kept, again after, and at once after Shopify refused it', async () => {
    let reads = 0;
    const refused: string[] = [];
    let at = 0;
    const tokens = recentTokens({ accessToken: async () => `token-${++reads}`, refused: async (shop) => void refused.push(shop) }, 10_000, () => at);

    expect(await tokens.accessToken('a.myshopify.com')).toBe('token-1');
    at = 9_999;
    expect(await tokens.accessToken('a.myshopify.com')).toBe('token-1');
    expect(await tokens.accessToken('b.myshopify.com')).toBe('token-2');
    at = 10_000;
    expect(await tokens.accessToken('a.myshopify.com')).toBe('token-3');
    await tokens.refused('a.myshopify.com', 'token-3', 401);
    expect(refused).toEqual(['a.myshopify.com']);
    expect(await tokens.accessToken('a.myshopify.com')).toBe('token-4');
  });
});
