import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { ShopifyAdminClient } from '../../shared/shopify/admin-graphql.ts';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { json, SHOP, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
const CODE = /^TESTS-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$/;

let fake: FakeShopifyAdmin;
let service: Awaited<ReturnType<typeof testService>>;
let nextOrder = 1;
let nextCustomer = 100;

/** A new member with `points` points (one paid order at 1 point per unit). */
async function memberWith(points: number): Promise<string> {
  const customerId = String(nextCustomer++);
  if (points > 0) {
    const response = await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: `${points}.00`, at: '2026-05-01T10:00:00Z' }));
    expect(response.status).toBe(200);
  }
  return customerId;
}

async function runJob(name: string, now: string) {
  const response = await service.app.request(`/dev/jobs/${name}?now=${encodeURIComponent(now)}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return json(response);
}

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 300 });
  service = await testService(NOW, { discounts });
  const program = parseProgram({ tiers: [{ name: 'Bronze', minSpend: 0, multiplier: 1 }, { name: 'Silver', minSpend: 5000, multiplier: 1.25, rewardId: 'free-shipping' }] });
  await service.store.ensureShop({ ...newShop(SHOP, new Date(NOW), 'USD'), program });
});
afterAll(() => fake.close());

describe('POST /proxy/member/redemptions', () => {
  it('turns points into a single-use discount code for that customer only, valid 90 days', async () => {
    const customerId = await memberWith(1000);
    const response = await service.redeem(customerId, 'five-off');
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body).toMatchObject({ rewardId: 'five-off', balance: 500, status: 'issued', expiresAt: '2026-08-30T12:00:00.000Z' });
    expect(body.code).toMatch(CODE);

    const created = fake.discounts.get(body.code)!;
    expect(created.mutation).toBe('discountCodeBasicCreate');
    expect(created.input).toMatchObject({
      code: body.code,
      context: { customers: { add: [`gid://shopify/Customer/${customerId}`] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      startsAt: '2026-06-01T12:00:00.000Z',
      endsAt: '2026-08-30T12:00:00.000Z',
      customerGets: { value: { discountAmount: { amount: '5.00', appliesOnEachItem: false } }, items: { all: true } },
    });
    expect(fake.calls.at(-1)?.token).toBe(fake.token);
    const member = await service.member(customerId);
    expect(member.balance).toBe(500);
    const activity = await json(await service.proxy('/member/activity', { customerId }));
    expect(activity.entries[0]).toMatchObject({ type: 'redeem', points: -500, couponCode: body.code, balanceAfter: 500 });
  });

  it('creates percentage and free-shipping discounts with their own mutations', async () => {
    const customerId = await memberWith(1300);
    const percent = await json(await service.redeem(customerId, 'ten-percent-off'));
    expect(fake.discounts.get(percent.code)?.input.customerGets.value).toEqual({ percentage: 0.1 });
    const shipping = await json(await service.redeem(customerId, 'free-shipping'));
    expect(fake.discounts.get(shipping.code)).toMatchObject({ mutation: 'discountCodeFreeShippingCreate', input: { destination: { all: true }, usageLimit: 1 } });
    expect((await service.member(customerId)).balance).toBe(0);
  });

  it('answers 409 when the balance does not cover the reward, and changes nothing', async () => {
    const customerId = await memberWith(499);
    const response = await service.redeem(customerId, 'five-off');
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await service.member(customerId)).balance).toBe(499);
  });

  it('refuses a member whose balance a refund made negative', async () => {
    const customerId = await memberWith(600);
    expect((await service.redeem(customerId, 'five-off')).status).toBe(201);
    await service.webhook('refunds/create', refund({ id: 9000, orderId: nextOrder - 1, subtotal: '600.00', at: '2026-05-20T00:00:00Z' }));
    expect((await service.member(customerId)).balance).toBe(-500);
    await memberWith(0);
    expect((await service.redeem(customerId, 'free-shipping')).status).toBe(409);
  });

  it('gives exactly two coupons to six concurrent redemptions of a 500-point reward on 1000 points', async () => {
    const customerId = await memberWith(1000);
    const before = fake.discounts.size;
    const answers = await Promise.all(Array.from({ length: 6 }, () => service.redeem(customerId, 'five-off')));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    const codes = await Promise.all(answers.filter((a) => a.status === 201).map(async (a) => (await json(a)).code));
    expect(new Set(codes).size).toBe(2);
    expect(fake.discounts.size - before).toBe(2);
    expect((await service.member(customerId)).balance).toBe(0);
  });

  it('gives the same coupon, once, for the same Idempotency-Key, even concurrently', async () => {
    const customerId = await memberWith(1000);
    const headers = { 'idempotency-key': 'click-1' };
    const answers = await Promise.all(Array.from({ length: 4 }, () => service.redeem(customerId, 'five-off', headers)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const bodies = await Promise.all(answers.map(json));
    expect(new Set(bodies.map((b) => b.code)).size).toBe(1);
    const again = await json(await service.redeem(customerId, 'five-off', headers));
    expect(again.code).toBe(bodies[0].code);
    expect((await service.member(customerId)).balance).toBe(500);
    expect([...fake.discounts.keys()].filter((code) => code === again.code)).toHaveLength(1);
  });

  it('answers 422 for a reward the program does not have, 400 for a bad body, 401 for guests', async () => {
    const customerId = await memberWith(1000);
    expect((await service.redeem(customerId, 'a-yacht')).status).toBe(422);
    expect((await service.redeem(customerId, { reward: 'five-off' })).status).toBe(400);
    expect((await service.redeem('', 'five-off')).status).toBe(401);
    expect((await service.member(customerId)).balance).toBe(1000);
  });
});

describe('coupons when Shopify is slow, throttles or is down', () => {
  it('keeps a throttled coupon pending and issues it from the outbox after Retry-After', async () => {
    const customerId = await memberWith(500);
    fake.next = ['throttle-429'];
    const body = await json(await service.redeem(customerId, 'five-off'));
    expect(body.status).toBe('pending');
    expect(fake.discounts.has(body.code)).toBe(false);
    // Not due yet: the job leaves it alone.
    expect(await runJob('issue-coupons', '2026-06-01T12:00:01Z')).toMatchObject({ tried: 0 });
    expect(await runJob('issue-coupons', '2026-06-01T12:05:00Z')).toMatchObject({ tried: 1, issued: 1 });
    expect(fake.discounts.has(body.code)).toBe(true);
    expect(await service.store.getCoupon(SHOP, body.code)).toMatchObject({ status: 'issued', attempts: 2 });
  });

  it('survives query-cost throttling and a 500, and issues once', async () => {
    const customerId = await memberWith(500);
    fake.next = ['throttle-cost'];
    const body = await json(await service.redeem(customerId, 'five-off'));
    expect(body.status).toBe('pending');
    fake.next = ['error-500'];
    expect(await runJob('issue-coupons', '2026-06-01T12:05:00Z')).toMatchObject({ waiting: 1 });
    expect(await runJob('issue-coupons', '2026-06-01T13:00:00Z')).toMatchObject({ issued: 1 });
    expect(await runJob('issue-coupons', '2026-06-02T13:00:00Z')).toMatchObject({ tried: 0 });
  });

  it('does not issue twice when Shopify created the discount but the answer was lost', async () => {
    const customerId = await memberWith(500);
    fake.next = ['create-then-hang'];
    const body = await json(await service.redeem(customerId, 'five-off'));
    expect(body.status).toBe('pending');
    expect(fake.discounts.has(body.code)).toBe(true);
    expect(await runJob('issue-coupons', '2026-06-01T12:05:00Z')).toMatchObject({ issued: 1 });
    const coupon = await service.store.getCoupon(SHOP, body.code);
    expect(coupon?.shopifyDiscountId).toBe(fake.discounts.get(body.code)?.id);
  });

  it('gives the points back when Shopify refuses the discount for good', async () => {
    const customerId = await memberWith(500);
    fake.next = ['user-error'];
    const body = await json(await service.redeem(customerId, 'five-off'));
    expect(body.status).toBe('failed');
    expect((await service.member(customerId)).balance).toBe(500);
    const activity = await json(await service.proxy('/member/activity', { customerId }));
    expect(activity.entries[0]).toMatchObject({ type: 'adjust', points: 500, reason: 'coupon-refused', couponCode: body.code });
  });
});

describe('coupons in orders and tiers', () => {
  it('marks a coupon used when a paid order carries its code', async () => {
    const customerId = await memberWith(500);
    const { code } = await json(await service.redeem(customerId, 'five-off'));
    const order: Json = { ...paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: '40.00', at: '2026-06-01T11:00:00Z' }), discount_codes: [{ code, amount: '5.00', type: 'fixed_amount' }] };
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'used', usedOrderId: String(order.id) });
  });

  it('grants a tier’s reward coupon once when the member reaches the tier', async () => {
    const customerId = await memberWith(4000);
    const reached = paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: '1500.00', at: '2026-05-02T10:00:00Z' });
    await service.webhook('orders/paid', reached);
    await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: Number(customerId), subtotal: '100.00', at: '2026-05-03T10:00:00Z' }));
    const member = await service.store.getMember(SHOP, customerId);
    expect(member).toMatchObject({ tier: 'Silver', tierRewards: ['Silver'] });
    const run = await runJob('issue-coupons', '2026-06-01T13:00:00Z');
    expect(run.issued).toBeGreaterThanOrEqual(1);
    const tierCoupons = [...fake.discounts.values()].filter((d) => d.input.context.customers.add[0] === `gid://shopify/Customer/${customerId}`);
    expect(tierCoupons).toHaveLength(1);
    expect(tierCoupons[0]?.mutation).toBe('discountCodeFreeShippingCreate');
  });
});

describe('coupon codes in the table', () => {
  it('are unique: a colliding code is refused by a conditional write and redrawn', async () => {
    const { redeemReward } = await import('../../shared/rewards/redeem-reward.ts');
    const customerId = await memberWith(1000);
    const shop = (await service.store.getShop(SHOP))!;
    const drawn = ['TESTS-AAAAAAAAAA', 'TESTS-AAAAAAAAAA', 'TESTS-BBBBBBBBBB'];
    const options = { issuer: { issue: async () => ({ kind: 'retry' as const, afterMs: 1000, reason: 'offline' }) }, codes: () => drawn.shift()!, retry: { maxAttempts: 5, backoff: async () => {} } };
    const first = await redeemReward(service.store, { shop, customerId, rewardId: 'five-off', now: new Date(NOW) }, options);
    const second = await redeemReward(service.store, { shop, customerId, rewardId: 'five-off', now: new Date(NOW) }, options);
    expect([first.view, second.view].map((view) => 'code' in view && view.code)).toEqual(['TESTS-AAAAAAAAAA', 'TESTS-BBBBBBBBBB']);
    expect((await service.member(customerId)).balance).toBe(0);
  });
});

describe('rate limits', () => {
  it('refuse an eleventh redemption request within a minute, with Retry-After, and allow the next minute', async () => {
    const customerId = await memberWith(0);
    service.setNow('2026-06-01T12:10:00Z');
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await service.redeem(customerId, 'five-off')).status);
    expect(answers).toEqual(Array(10).fill(409)); // no points: each one looked at, and refused
    const limited = await service.redeem(customerId, 'five-off');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    service.setNow('2026-06-01T12:11:00Z');
    expect((await service.redeem(customerId, 'five-off')).status).toBe(409);
    service.setNow(NOW);
  });

  it('refuse a sixth survey answer within an hour', async () => {
    const { proxyQuery } = await import('../support/http.ts');
    const customerId = await memberWith(0);
    const answer = () =>
      service.app.request(`/proxy/member/feedback?${proxyQuery({ customerId, at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify({ score: 9 }) });
    for (let i = 0; i < 5; i++) expect((await answer()).status).toBe(201);
    expect((await answer()).status).toBe(429);
  });
});

describe('coupons whose answer from Shopify was lost', () => {
  const outboxLog = () => {
    const lines: { level: string; message: string; attributes: Record<string, unknown> }[] = [];
    const log = {
      warn: (message: string, attributes: Record<string, unknown>) => void lines.push({ level: 'WARN', message, attributes }),
      error: (message: string, attributes: Record<string, unknown>) => void lines.push({ level: 'ERROR', message, attributes }),
    };
    return { lines, log };
  };

  it('keeps a coupon pending, points spent, when Shopify says its code is taken but no discount has it', async () => {
    const customerId = await memberWith(500);
    fake.next = ['taken'];
    const body = await json(await service.redeem(customerId, 'five-off'));
    expect(body.status).toBe('pending');
    expect((await service.member(customerId)).balance).toBe(0);
    const coupon = await service.store.getCoupon(SHOP, body.code);
    expect(coupon).toMatchObject({ status: 'pending', attempts: 1 });
    expect(coupon?.nextAttemptAt).toBeDefined();
    const activity = await json(await service.proxy('/member/activity', { customerId }));
    expect(activity.entries.filter((entry: { reason?: string }) => entry.reason === 'coupon-refused')).toEqual([]);
    // Once Shopify shows the discount (or takes the code), the outbox finishes it.
    await runJob('issue-coupons', '2026-06-01T13:00:00Z');
    expect(await service.store.getCoupon(SHOP, body.code)).toMatchObject({ status: 'issued', shopifyDiscountId: fake.discounts.get(body.code)?.id });
  });

  it('never gives the points back for a taken code, even past the last try, and says why it waits', async () => {
    const { retryPendingCoupons } = await import('../../shared/rewards/issue-coupons.ts');
    const { MAX_ISSUE_ATTEMPTS } = await import('../../shared/rewards/outbox.ts');
    const customerId = await memberWith(500);
    fake.next = ['throttle-429'];
    const { code } = await json(await service.redeem(customerId, 'five-off'));
    const pending = (await service.store.getCoupon(SHOP, code))!;
    expect(await service.store.saveCoupon({ ...pending, attempts: MAX_ISSUE_ATTEMPTS - 1, nextAttemptAt: '2026-06-01T12:00:30.000Z' }, 'pending')).toBe(true);
    const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 300 });
    const { lines, log } = outboxLog();
    fake.next = ['taken'];
    expect(await retryPendingCoupons(service.store, discounts, new Date('2026-06-01T12:01:00Z'), { log })).toMatchObject({ tried: 1, waiting: 1, failed: 0 });
    expect(await service.store.getCoupon(SHOP, code)).toMatchObject({ status: 'pending', attempts: MAX_ISSUE_ATTEMPTS });
    expect((await service.member(customerId)).balance).toBe(0);
    expect(lines).toEqual([
      { level: 'WARN', message: 'coupon still pending', attributes: expect.objectContaining({ shop: SHOP, code, attempts: MAX_ISSUE_ATTEMPTS, reason: expect.stringContaining('TAKEN') }) },
    ]);
    expect(JSON.stringify(lines)).not.toContain(customerId);
    expect(JSON.stringify(lines)).not.toContain('@');
  });

  it('logs one line per coupon left pending, with the shop and why, and one when it fails for good', async () => {
    const { retryPendingCoupons } = await import('../../shared/rewards/issue-coupons.ts');
    const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 300 });
    const customerId = await memberWith(1500);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      fake.next = ['error-500'];
      codes.push((await json(await service.redeem(customerId, 'five-off'))).code);
    }
    const { lines, log } = outboxLog();
    fake.next = ['throttle-429', 'taken', 'user-error'];
    expect(await retryPendingCoupons(service.store, discounts, new Date('2026-06-01T14:00:00Z'), { log })).toMatchObject({ tried: 3, waiting: 2, failed: 1 });
    expect(lines.map((line) => [line.level, line.message, line.attributes.shop])).toEqual([
      ['WARN', 'coupon still pending', SHOP],
      ['WARN', 'coupon still pending', SHOP],
      ['ERROR', 'coupon failed for good; its points went back', SHOP],
    ]);
    expect(lines.map((line) => line.attributes.reason)).toEqual([expect.stringContaining('throttled'), expect.stringContaining('TAKEN'), expect.stringContaining('INVALID')]);
    // Without an access token the coupon waits, and says so.
    const shop = (await service.store.getShop(SHOP))!;
    const noToken = new ShopifyAdminClient({ accessToken: () => undefined, endpoint: () => fake.url });
    const { issueCoupon } = await import('../../shared/rewards/issue-coupons.ts');
    const waiting = (await service.store.getCoupons(SHOP, codes)).find((coupon) => coupon.status === 'pending')!;
    const tokenless = outboxLog();
    expect(await issueCoupon(service.store, noToken, waiting, shop, new Date('2026-06-02T14:00:00Z'), tokenless.log)).toMatchObject({ status: 'pending' });
    expect(tokenless.lines).toMatchObject([{ level: 'WARN', attributes: { shop: SHOP, reason: expect.stringContaining('access token') } }]);
  });
});
