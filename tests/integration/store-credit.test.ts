import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { defaultRewards, parseProgram } from '../../shared/program/program.ts';
import { ShopifyAdminClient } from '../../shared/shopify/admin-graphql.ts';
import { paidOrder } from '../support/fixtures.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { json, sessionToken, SHOP, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';

let fake: FakeShopifyAdmin;
let service: Awaited<ReturnType<typeof testService>>;
let nextOrder = 1;
let nextCustomer = 500;

async function memberWith(points: number): Promise<string> {
  const customerId = String(nextCustomer++);
  const response = await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: `${points}.00`, at: '2026-05-01T10:00:00Z', currency: 'EUR' }));
  expect(response.status).toBe(200);
  return customerId;
}

async function runJob(name: string, now: string) {
  const response = await service.app.request(`/dev/jobs/${name}?now=${encodeURIComponent(now)}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return json(response);
}

const creditsOf = (customerId: string) => fake.credits.filter((credit) => credit.owner === `gid://shopify/Customer/${customerId}`);

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 300 });
  service = await testService(NOW, { discounts });
  const program = parseProgram({
    rewards: [
      ...defaultRewards,
      { id: 'ten-credit', name: '10 EUR store credit', kind: 'store_credit', cost: 1000, value: 10 },
      { id: 'month-credit', name: '5 EUR store credit for a month', kind: 'store_credit', cost: 500, value: 5, validityDays: 30 },
    ],
  });
  await service.store.ensureShop({ ...newShop(SHOP, new Date(NOW), 'EUR'), program });
});
afterAll(() => fake.close());

describe('store credit rewards', () => {
  it('credit the customer’s store credit account with the value in the shop’s currency, and answer issued', async () => {
    const customerId = await memberWith(1200);
    const response = await service.redeem(customerId, 'ten-credit');
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body).toMatchObject({ rewardId: 'ten-credit', kind: 'store_credit', value: '10.00', currency: 'EUR', status: 'issued', balance: 200 });
    expect(body.code).toBeUndefined();
    expect(body.expiresAt).toBeUndefined();
    expect(creditsOf(customerId)).toEqual([{ id: expect.any(String), owner: `gid://shopify/Customer/${customerId}`, amount: '10.00', currencyCode: 'EUR' }]);
    const credit = await service.store.getCoupon(SHOP, body.creditId);
    expect(credit).toMatchObject({ status: 'issued', shopifyDiscountId: creditsOf(customerId)[0]!.id });
    expect(credit?.mayExistInShopify).toBeUndefined();
    const activity = await json(await service.proxy('/member/activity', { customerId }));
    expect(activity.entries[0]).toMatchObject({ type: 'redeem', points: -1000, couponCode: body.creditId });
  });

  it('send expiresAt when the reward has a validity', async () => {
    const customerId = await memberWith(600);
    const body = await json(await service.redeem(customerId, 'month-credit'));
    expect(body).toMatchObject({ status: 'issued', value: '5.00', expiresAt: '2026-07-01T12:00:00.000Z' });
    expect(creditsOf(customerId)).toMatchObject([{ amount: '5.00', currencyCode: 'EUR', expiresAt: '2026-07-01T12:00:00.000Z' }]);
  });

  it('stay pending while Shopify is unavailable, and the outbox job credits them once', async () => {
    const customerId = await memberWith(1000);
    fake.next = ['unavailable-503'];
    const body = await json(await service.redeem(customerId, 'ten-credit'));
    expect(body).toMatchObject({ kind: 'store_credit', status: 'pending', balance: 0 });
    expect(creditsOf(customerId)).toHaveLength(0);

    fake.next = ['throttle-429'];
    expect(await runJob('issue-coupons', '2026-06-01T12:05:00Z')).toMatchObject({ waiting: 1 });
    expect(await runJob('issue-coupons', '2026-06-01T13:00:00Z')).toMatchObject({ issued: 1 });
    expect(await runJob('issue-coupons', '2026-06-02T13:00:00Z')).toMatchObject({ tried: 0 });
    expect(creditsOf(customerId)).toHaveLength(1);
    expect(await service.store.getCoupon(SHOP, body.creditId)).toMatchObject({ status: 'issued' });
  });

  it('give the points back when Shopify refuses the credit (user errors)', async () => {
    const customerId = await memberWith(1000);
    fake.next = ['user-error'];
    const body = await json(await service.redeem(customerId, 'ten-credit'));
    expect(body.status).toBe('failed');
    expect(creditsOf(customerId)).toHaveLength(0);
    expect((await service.member(customerId)).balance).toBe(1000);
    const activity = await json(await service.proxy('/member/activity', { customerId }));
    expect(activity.entries[0]).toMatchObject({ type: 'adjust', points: 1000, reason: 'coupon-refused', couponCode: body.creditId });
  });

  it('never credit twice when Shopify’s answer is lost: the credit waits for a person, neither sent again nor refunded', async () => {
    const customerId = await memberWith(1000);
    fake.next = ['create-then-hang'];
    const body = await json(await service.redeem(customerId, 'ten-credit'));
    expect(body.status).toBe('pending');
    expect(creditsOf(customerId)).toHaveLength(1);
    const credit = await service.store.getCoupon(SHOP, body.creditId);
    expect(credit).toMatchObject({ status: 'pending', mayExistInShopify: true });

    // Runs much later, past every backoff: nothing is sent again, no points come back.
    for (const at of ['2026-06-01T18:00:00Z', '2026-06-03T00:00:00Z', '2026-07-01T00:00:00Z']) await runJob('issue-coupons', at);
    expect(creditsOf(customerId)).toHaveLength(1);
    expect((await service.member(customerId)).balance).toBe(0);
    expect(await service.store.getCoupon(SHOP, body.creditId)).toMatchObject({ status: 'pending', mayExistInShopify: true });
  });

  it('are settled by the store owner when they wait for a person: found in Shopify, or not (points back), once', async () => {
    const settle = async (customerId: string, code: string, outcome: unknown, shop = SHOP) => {
      const token = await sessionToken({ shop, at: new Date(NOW) });
      return service.app.request(`/admin/members/${customerId}/rewards/${code}/settlement`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome }),
      });
    };
    const waiting = async () => {
      const customerId = await memberWith(1000);
      fake.next = ['create-then-hang'];
      const body = await json(await service.redeem(customerId, 'ten-credit'));
      expect(await service.store.getCoupon(SHOP, body.creditId)).toMatchObject({ status: 'pending', mayExistInShopify: true });
      return { customerId, code: body.creditId as string };
    };

    const found = await waiting();
    expect((await settle(found.customerId, found.code, 'maybe')).status).toBe(422);
    expect((await settle('999', found.code, 'issued')).status).toBe(404);
    expect((await settle(found.customerId, found.code, 'issued', 'another-shop.myshopify.com')).status).toBe(404);
    expect(await json(await settle(found.customerId, found.code, 'issued'))).toMatchObject({ status: 'issued' });
    expect((await service.member(found.customerId)).balance).toBe(0);
    const again = await settle(found.customerId, found.code, 'not-issued');
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ type: 'https://loyalty.dev/problems/not-awaiting-settlement' });

    const missing = await waiting();
    expect(await json(await settle(missing.customerId, missing.code, 'not-issued'))).toMatchObject({ status: 'failed' });
    expect((await service.member(missing.customerId)).balance).toBe(1000);
    expect((await settle(missing.customerId, missing.code, 'not-issued')).status).toBe(409);
    expect((await service.member(missing.customerId)).balance).toBe(1000);
  });

  it('treat a 500 as possibly done (never sent again), unlike a 503', async () => {
    const customerId = await memberWith(1000);
    fake.next = ['error-500'];
    const body = await json(await service.redeem(customerId, 'ten-credit'));
    expect(body.status).toBe('pending');
    await runJob('issue-coupons', '2026-06-05T00:00:00Z');
    expect(fake.calls.filter((call) => call.query.includes('storeCreditAccountCredit') && call.variables.id === `gid://shopify/Customer/${customerId}`)).toHaveLength(1);
    expect(await service.store.getCoupon(SHOP, body.creditId)).toMatchObject({ status: 'pending', mayExistInShopify: true });
  });

  it('give one credit for the same Idempotency-Key twice, even concurrently', async () => {
    const customerId = await memberWith(2500);
    const headers = { 'idempotency-key': 'credit-click-1' };
    const [first, second] = await Promise.all([service.redeem(customerId, 'ten-credit', headers), service.redeem(customerId, 'ten-credit', headers)]);
    const third = await service.redeem(customerId, 'ten-credit', headers);
    const bodies = await Promise.all([first, second, third].map(json));
    expect(new Set(bodies.map((body) => body.creditId)).size).toBe(1);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(bodies[2]).toMatchObject({ kind: 'store_credit', value: '10.00', status: 'issued', balance: 1500 });
    expect(creditsOf(customerId)).toHaveLength(1);
    expect((await service.member(customerId)).balance).toBe(1500);
  });

  it('are shown to the storefront in the member’s rewards', async () => {
    const customerId = await memberWith(1000);
    const member = await service.member(customerId);
    expect(member.rewards).toContainEqual(expect.objectContaining({ id: 'ten-credit', kind: 'store_credit', value: 10, affordable: true }));
  });
});

describe('combinesWith of code rewards', () => {
  it('is sent to Shopify as the program sets it, and as nothing by default', async () => {
    const shop = 'combines-shop.myshopify.com';
    const program = parseProgram({
      rewards: [
        { id: 'five-off', name: '5 off', kind: 'fixed_amount', cost: 100, value: 5, combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true } },
        { id: 'ship', name: 'Free shipping', kind: 'free_shipping', cost: 100, combinesWith: { orderDiscounts: true, productDiscounts: false, shippingDiscounts: false } },
        { id: 'plain', name: '10% off', kind: 'percentage', cost: 100, value: 10 },
      ],
    });
    await service.store.ensureShop({ ...newShop(shop, new Date(NOW), 'EUR'), program });
    const customerId = String(nextCustomer++);
    expect((await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: '300.00', at: '2026-05-01T10:00:00Z', currency: 'EUR' }), { shop })).status).toBe(200);
    const codes = [];
    for (const rewardId of ['five-off', 'ship', 'plain']) codes.push((await json(await service.redeem(customerId, rewardId, {}, shop))).code);
    expect(codes.map((code) => fake.discounts.get(code)?.input.combinesWith)).toEqual([
      { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
      { orderDiscounts: true, productDiscounts: false, shippingDiscounts: false },
      { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    ]);
  });
});
