/**
 * The customer account extension's client against the real `/customer/*` routes (the local app
 * over DynamoDB Local, real signed customer account session tokens): every answer passes the
 * client's shape checks, and the page's model turns them into what the customer sees.
 */
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerApi, CustomerApiError, type CustomerApi } from '../../extensions/customer-account/src/api.ts';
import { localeFormat } from '../../extensions/customer-account/src/locale-format.ts';
import { messagesFor } from '../../extensions/customer-account/src/messages.ts';
import { orderPointsView } from '../../extensions/customer-account/src/order-points-view.ts';
import { RewardsPageView } from '../../extensions/customer-account/src/RewardsPage.tsx';
import { rewardsPageModel } from '../../extensions/customer-account/src/rewards-page-model.ts';
import { customerSessionToken } from '../support/customer-tokens.ts';
import { paidOrder } from '../support/fixtures.ts';
import { testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
const APP_URL = 'https://loyalty.example.test';
const context = { format: localeFormat('en-US', { timeZone: 'UTC' }), messages: messagesFor('en-US') };

let service: Awaited<ReturnType<typeof testService>>;

/** The extension's client as the entry files make it, its requests going to the local app. */
function extensionClient(customerId: string, sub?: string | null): CustomerApi {
  return customerApi({
    appUrl: APP_URL,
    sessionToken: () => customerSessionToken({ at: new Date(NOW), customerId, ...(sub !== undefined ? { sub } : {}) }),
    fetch: async (input, init) => service.app.request(String(input), init),
  });
}

beforeAll(async () => {
  service = await testService(NOW);
  await service.webhook('orders/paid', paidOrder({ id: 9101, customerId: 8001, subtotal: '420.00', at: '2026-05-01T10:00:00Z' }));
  await service.webhook('orders/paid', paidOrder({ id: 9102, customerId: 8001, subtotal: '180.00', at: '2026-05-02T10:00:00Z' }));
});

describe('the extension client against /customer/*', () => {
  it('reads the member, the program and the activity, and the page shows them', async () => {
    const model = rewardsPageModel(extensionClient('8001'));

    await model.load();

    expect(model.state.status).toBe('ready');
    expect(model.state.member).toMatchObject({ balance: 600, tier: 'Silver' });
    expect(model.state.program?.tiers.map((tier) => tier.name)).toEqual(['Bronze', 'Silver', 'Gold']);
    expect(model.state.activity.entries.map((entry) => entry.points)).toEqual([180, 420]);
    const html = renderToString(h(RewardsPageView, { state: model.state, context, now: new Date(NOW), onRedeem: () => {}, onMore: () => {}, onRetry: () => {} }));
    expect(html).toContain('<s-heading>600 points</s-heading>');
    expect(html).toContain('Spend $900.00 more to reach Gold');
  });

  it('redeems with an Idempotency-Key: the same key twice gives one coupon and charges once', async () => {
    const api = extensionClient('8001');

    const first = await api.redeem('five-off', 'extension-key-1');
    const again = await api.redeem('five-off', 'extension-key-1');

    expect(first.code).toMatch(/^[A-Z0-9]+-[A-Z0-9]{10}$/);
    expect(again.code).toBe(first.code);
    expect((await api.member()).balance).toBe(100);
    await expect(api.redeem('ten-percent-off', 'extension-key-2')).rejects.toMatchObject({ status: 409, kind: 'insufficient-points' });
  });

  it("answers an order's points by its gid, and nothing for another customer's order", async () => {
    const points = await extensionClient('8001').orderPoints('gid://shopify/Order/9101');

    expect(points).toMatchObject({ points: 420, pending: false });
    expect(orderPointsView(points, context)?.text).toBe('This order earned 420 points.');
    expect(await extensionClient('8002').orderPoints('gid://shopify/Order/9101')).toBeNull();
  });

  it('is refused without a signed-in customer, which the page shows as "sign in"', async () => {
    const model = rewardsPageModel(extensionClient('8001', null));

    await model.load();

    expect(model.state.status).toBe('signed-out');
    await expect(extensionClient('8001', null).orderPoints('9101')).rejects.toBeInstanceOf(CustomerApiError);
  });
});
