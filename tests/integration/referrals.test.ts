import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { ShopifyAdminClient } from '../../shared/shopify/admin-graphql.ts';
import { friendKey } from '../../shared/referrals/referral.ts';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { checkDiscountBuyers } from '../support/fake-shopify-discount-buyers.ts';
import { sampleCustomer } from '../support/shopify-samples.ts';
import { json, proxyQuery, SHOP, sessionToken, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
const OTHER_SHOP = 'no-referrals.myshopify.com';
const ORDERED_AT = '2026-06-02T10:00:00Z';
/** The hold is 14 days: the job pays from 2026-06-16T10:00Z on. */
const BEFORE_HOLD = '2026-06-15T12:00:00Z';
const AFTER_HOLD = '2026-06-17T12:00:00Z';

let fake: FakeShopifyAdmin;
let service: Awaited<ReturnType<typeof testService>>;
let nextOrder = 5000;
let nextCustomer = 300;

async function advocate(email: string, firstName = 'Anna', lastName = 'Berg'): Promise<{ id: string; code: string; url: string }> {
  const id = String(nextCustomer++);
  expect((await service.webhook('customers/create', sampleCustomer({ id: Number(id), email, firstName, lastName, createdAt: '2026-05-01T00:00:00Z' }))).status).toBe(200);
  const { referral } = await service.member(id);
  return { id, ...referral };
}

function claim(body: unknown, options: { customerId?: string; shop?: string } = {}) {
  return service.app.request(`/proxy/referrals?${proxyQuery({ at: new Date(NOW), ...options })}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The friend's order with the welcome code, from `ip` to `address`. */
function friendOrder(options: { customerId: number | null; code: string; email?: string; ip?: string; address?: string; name?: string; id?: number }): Json {
  const order = paidOrder({ id: options.id ?? nextOrder++, customerId: options.customerId, subtotal: '60.00', at: ORDERED_AT });
  return {
    ...order,
    email: options.email ?? 'friend@example.org',
    browser_ip: options.ip ?? `198.51.100.${nextOrder % 200}`,
    shipping_address: { name: options.name ?? 'Carl Holm', address1: options.address ?? `${nextOrder} Elm Street`, city: 'Springfield', zip: '12345', country_code: 'US' },
    discount_codes: [{ code: options.code, amount: '5.00', type: 'fixed_amount' }],
    ...(order.customer ? { customer: { ...order.customer, email: options.email ?? 'friend@example.org' } } : {}),
  };
}

async function admin(path: string, method = 'GET') {
  const token = await sessionToken({ at: new Date(NOW) });
  return service.app.request(`/admin${path}`, { method, headers: { authorization: `Bearer ${token}` } });
}

async function referralsOf(status: string) {
  const response = await admin(`/referrals?status=${status}`);
  expect(response.status).toBe(200);
  return (await json(response)).referrals as Json[];
}

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  checkDiscountBuyers(fake);
  const discounts = new ShopifyAdminClient({ accessToken: () => fake.token, endpoint: () => fake.url, timeoutMs: 1000 });
  service = await testService(NOW, { discounts });
  const program = parseProgram({
    referrals: { enabled: true, advocatePoints: 500, friendReward: { name: '5 off your first order', kind: 'fixed_amount', value: 5, minimumOrder: 20 }, holdDays: 14, sameOriginLimit: 3 },
  });
  await service.store.ensureShop({ ...newShop(SHOP, new Date(NOW), 'USD'), program });
  await service.store.ensureShop(newShop(OTHER_SHOP, new Date(NOW), 'USD'));
});
afterAll(() => fake.close());

describe('referral links', () => {
  it('gives each member one code and link, in the storefront and the account page alike', async () => {
    const anna = await advocate('anna.link@example.com');
    expect(anna.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(anna.url).toBe(`https://${SHOP}/?ref=${anna.code}`);
    expect((await service.member(anna.id)).referral).toEqual({ code: anna.code, url: anna.url });
  });

  it('has no referral in a shop whose program has none', async () => {
    const member = await service.member('901', OTHER_SHOP);
    expect(member.referral).toBeUndefined();
    const refused = await claim({ code: 'ABCDEFGH', email: 'x@example.org' }, { shop: OTHER_SHOP });
    expect(refused.status).toBe(404);
    expect((await json(refused)).type).toMatch(/referrals-off$/);
  });
});

describe('a friend claims the welcome reward', () => {
  it('answers 404 for a code no member has, and stores nothing', async () => {
    const discounts = fake.discounts.size;
    const response = await claim({ code: 'ZZZZZZZZ', email: 'nobody@example.org' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await json(response)).type).toMatch(/unknown-referral-code$/);
    expect(fake.discounts.size).toBe(discounts);
    expect(await service.store.referrals.friendClaim(SHOP, friendKey('nobody@example.org'))).toBeUndefined();
    expect(await referralsOf('all')).toEqual([]);
  });

  it('answers 422 for an e-mail a shop cannot write to, 400 for a body of another shape', async () => {
    const anna = await advocate('anna.bad@example.com');
    const bad = await claim({ code: anna.code, email: 'not-an-address' });
    expect(bad.status).toBe(422);
    expect((await json(bad)).problems[0].path).toBe('email');
    expect((await claim({ code: anna.code })).status).toBe(400);
  });

  it('refuses the advocate themself (account, same or similar e-mail) with 409, storing nothing', async () => {
    const anna = await advocate('anna.self@example.com');
    const own = await claim({ code: anna.code, email: 'someone@example.org' }, { customerId: anna.id });
    expect(own.status).toBe(409);
    expect(await json(own)).toMatchObject({ reasons: ['same-customer', 'same-email'] });
    const tagged = await json(await claim({ code: anna.code, email: 'Anna.Self+deal@example.com' }));
    expect(tagged).toMatchObject({ status: 409, reasons: ['same-email'] });
    const similar = await json(await claim({ code: anna.code, email: 'annaself1@example.com' }));
    expect(similar).toMatchObject({ status: 409, reasons: ['similar-email'] });
    expect(await service.store.referrals.advocateReferrals(SHOP, anna.id)).toEqual([]);
  });

  it('gives a guest a single-use code for any buyer; the same claim again gives the same code', async () => {
    const anna = await advocate('anna.guest@example.com');
    const response = await claim({ code: anna.code.toLowerCase(), email: 'guest.friend@example.org' });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body).toMatchObject({ reward: { name: '5 off your first order', kind: 'fixed_amount', value: 5, minimumOrder: 20 }, status: 'issued', expiresAt: '2026-08-30T12:00:00.000Z' });
    expect(fake.discounts.get(body.code)?.input).toMatchObject({ code: body.code, context: { all: 'ALL' }, usageLimit: 1, minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: '20.00' } } });
    const again = await claim({ code: anna.code, email: 'GuestFriend+2@example.org' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(again)).code).toBe(body.code);
    // One welcome reward per person: another member's code is refused for the same e-mail.
    const carl = await advocate('carl.other@example.com', 'Carl', 'Other');
    expect((await json(await claim({ code: carl.code, email: 'guest.friend@example.org' }))).type).toMatch(/already-referred$/);
  });
});

describe('a signed-in friend', () => {
  it('gets a code for that customer alone; one who ordered already is refused with 409', async () => {
    const anna = await advocate('anna.signedin@example.com');
    const body = await json(await claim({ code: anna.code, email: 'signed.friend@example.org' }, { customerId: '4901' }));
    expect(fake.discounts.get(body.code)?.input.context).toEqual({ customers: { add: ['gid://shopify/Customer/4901'] } });
    await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: 4902, subtotal: '10.00', at: '2026-05-20T10:00:00Z' }));
    const refused = await json(await claim({ code: anna.code, email: 'returning@example.org' }, { customerId: '4902' }));
    expect(refused).toMatchObject({ status: 409, reasons: ['existing-customer'] });
  });
});

describe('the advocate is paid once the friend’s order is past its hold', () => {
  it('credits the advocate once, however often the job and the webhook run', async () => {
    const anna = await advocate('anna.paid@example.com');
    const { code } = await json(await claim({ code: anna.code, email: 'new.friend@example.org' }));
    const order = friendOrder({ customerId: 4101, code, email: 'new.friend@example.org' });
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    const [pending] = (await referralsOf('pending')).filter((referral) => referral.advocateId === anna.id);
    expect(pending).toMatchObject({ status: 'claimed', waiting: 'hold', order: { orderId: order.id.toString(), customerId: '4101', priorOrders: 0, dueAt: '2026-06-16T10:00:00.000Z' } });
    expect(pending!.order.ipKey).toBeUndefined();

    expect(await service.job('referrals', BEFORE_HOLD)).toMatchObject({ completed: 0 });
    expect((await service.member(anna.id)).balance).toBe(100);
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ completed: 1, blocked: 0 });
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ completed: 0, blocked: 0, void: 0 });
    expect((await service.webhook('orders/paid', order, { webhookId: 'again' })).status).toBe(200);
    expect(await service.job('referrals', '2026-06-20T12:00:00Z')).toMatchObject({ completed: 0 });

    const member = await service.member(anna.id);
    expect(member.balance).toBe(600);
    const activity = await json(await service.proxy('/member/activity', { customerId: anna.id }));
    expect(activity.entries.filter((entry: Json) => entry.reason === 'referral')).toEqual([expect.objectContaining({ type: 'bonus', points: 500, balanceAfter: 600 })]);
    const [completed] = (await referralsOf('completed')).filter((referral) => referral.advocateId === anna.id);
    expect(completed).toMatchObject({ status: 'completed', points: 500, settledBy: 'job' });
    // The friend's order earned its own points, and its welcome code is used.
    expect((await service.member('4101')).balance).toBe(60);
    expect((await service.store.getCoupon(SHOP, code))?.status).toBe('used');
  });

  it('credits the advocate for a guest friend’s order too', async () => {
    const anna = await advocate('anna.guestorder@example.com');
    const { code } = await json(await claim({ code: anna.code, email: 'guest.buyer@example.org' }));
    expect((await service.webhook('orders/paid', friendOrder({ customerId: null, code, email: 'guest.buyer@example.org' }))).status).toBe(200);
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ completed: 1 });
    expect((await service.member(anna.id)).balance).toBe(600);
  });

  it('voids the referral when the friend’s order is cancelled inside the hold', async () => {
    const anna = await advocate('anna.void@example.com');
    const { code } = await json(await claim({ code: anna.code, email: 'fickle@example.org' }));
    const order = friendOrder({ customerId: 4201, code, email: 'fickle@example.org' });
    await service.webhook('orders/paid', order);
    expect((await service.webhook('orders/cancelled', { ...order, cancelled_at: '2026-06-03T10:00:00Z' })).status).toBe(200);
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ void: 1, completed: 0 });
    expect((await service.member(anna.id)).balance).toBe(100);
    const [voided] = (await referralsOf('void')).filter((referral) => referral.advocateId === anna.id);
    expect(voided).toMatchObject({ note: 'order-cancelled' });
  });

  it('voids it when the order is refunded whole', async () => {
    const anna = await advocate('anna.refund@example.com');
    const { code } = await json(await claim({ code: anna.code, email: 'returner@example.org' }));
    const order = friendOrder({ customerId: 4301, code, email: 'returner@example.org' });
    await service.webhook('orders/paid', order);
    await service.webhook('refunds/create', refund({ id: 77001, orderId: order.id, subtotal: '60.00', at: '2026-06-05T10:00:00Z' }));
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ void: 1 });
    expect((await service.member(anna.id)).balance).toBe(100);
  });
});

describe('fraud rules at settlement', () => {
  it('blocks the advocate ordering with their own welcome code, with the reason', async () => {
    const anna = await advocate('anna.own@example.com');
    const { code } = await json(await claim({ code: anna.code, email: 'made.up@example.org' }));
    await service.webhook('orders/paid', friendOrder({ customerId: Number(anna.id), code, email: 'anna.own@example.com', name: 'Anna Berg' }));
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ blocked: 1, completed: 0 });
    const [blocked] = (await referralsOf('blocked')).filter((referral) => referral.advocateId === anna.id);
    expect(blocked!.reasons).toEqual(expect.arrayContaining(['same-customer', 'same-email', 'same-name']));
    expect((await service.member(anna.id)).balance).toBe(100 + 60);
  });

  it('blocks a friend who had ordered before', async () => {
    const anna = await advocate('anna.existing@example.com');
    await service.webhook('orders/paid', paidOrder({ id: nextOrder++, customerId: 4401, subtotal: '10.00', at: '2026-05-20T10:00:00Z' }));
    const { code } = await json(await claim({ code: anna.code, email: 'old.customer@example.org' }));
    await service.webhook('orders/paid', friendOrder({ customerId: 4401, code, email: 'old.customer@example.org' }));
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ blocked: 1 });
    const [blocked] = (await referralsOf('blocked')).filter((referral) => referral.advocateId === anna.id);
    expect(blocked).toMatchObject({ reasons: ['existing-customer'], order: { priorOrders: 1 } });
  });

  it('blocks many referrals of one advocate from one browser IP in a week', async () => {
    const anna = await advocate('anna.farm@example.com');
    for (const [i, email] of ['f1@example.org', 'f2@example.net', 'f3@example.com'].entries()) {
      const { code } = await json(await claim({ code: anna.code, email }));
      await service.webhook('orders/paid', friendOrder({ customerId: 4500 + i, code, email, ip: '203.0.113.77', name: `Friend ${i} Person${i}` }));
    }
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ blocked: 3, completed: 0 });
    const blocked = (await referralsOf('blocked')).filter((referral) => referral.advocateId === anna.id);
    expect(blocked.map((referral) => referral.reasons)).toEqual([['repeated-ip'], ['repeated-ip'], ['repeated-ip']]);
  });

  it('blocks many referrals shipping to one address in a week', async () => {
    const anna = await advocate('anna.address@example.com');
    for (const [i, email] of ['g1@example.org', 'g2@example.net', 'g3@example.com'].entries()) {
      const { code } = await json(await claim({ code: anna.code, email }));
      await service.webhook('orders/paid', friendOrder({ customerId: 4600 + i, code, email, address: '9 Same Road', name: `Friend ${i} Other${i}` }));
    }
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ blocked: 3 });
    const blocked = (await referralsOf('blocked')).filter((referral) => referral.advocateId === anna.id);
    expect(blocked.every((referral) => referral.reasons.includes('repeated-address'))).toBe(true);
  });
});

describe('the store owner reviews blocked referrals', () => {
  it('approves one (the advocate is paid once) and cancels another (nothing paid); anything else is 409', async () => {
    const anna = await advocate('anna.review@example.com');
    const blockedIds: string[] = [];
    for (const [i, email] of ['h1@example.org', 'h2@example.net', 'h3@example.com'].entries()) {
      const { code } = await json(await claim({ code: anna.code, email }));
      await service.webhook('orders/paid', friendOrder({ customerId: 4700 + i, code, email, ip: '203.0.113.99', name: `H ${i} Person${i}` }));
    }
    await service.job('referrals', AFTER_HOLD);
    for (const referral of (await referralsOf('blocked')).filter((referral) => referral.advocateId === anna.id)) blockedIds.push(referral.id);
    expect(blockedIds).toHaveLength(3);

    const approved = await admin(`/referrals/${blockedIds[0]}/approve`, 'POST');
    expect(approved.status).toBe(200);
    expect(await json(approved)).toMatchObject({ status: 'completed', points: 500, settledBy: 'staff:42' });
    expect((await service.member(anna.id)).balance).toBe(600);
    const twice = await admin(`/referrals/${blockedIds[0]}/approve`, 'POST');
    expect(twice.status).toBe(409);
    expect(await json(twice)).toMatchObject({ referralStatus: 'completed' });
    expect((await service.member(anna.id)).balance).toBe(600);

    const cancelled = await admin(`/referrals/${blockedIds[1]}/cancel`, 'POST');
    expect(await json(cancelled)).toMatchObject({ status: 'cancelled' });
    expect((await admin(`/referrals/${blockedIds[1]}/approve`, 'POST')).status).toBe(409);
    expect((await service.member(anna.id)).balance).toBe(600);

    expect((await admin(`/referrals/${anna.id}.0000000000000000/approve`, 'POST')).status).toBe(404);
    expect((await admin('/referrals/nonsense/cancel', 'POST')).status).toBe(404);
    expect((await admin('/referrals?status=weird')).status).toBe(400);
    const unauthenticated = await service.app.request('/admin/referrals');
    expect(unauthenticated.status).toBe(401);
  });

  it('pages the list with a cursor', async () => {
    const first = await json(await admin('/referrals?status=all&limit=2'));
    expect(first.referrals).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await json(await admin(`/referrals?status=all&limit=2&cursor=${first.nextCursor}`));
    expect(second.referrals[0].id).not.toBe(first.referrals[0].id);
    expect((await admin('/referrals?cursor=bm9wZQ')).status).toBe(400);
  });
});

describe('shop/redact', () => {
  it('erases the codes, referrals and claims of a shop, an advocate who is no member included', async () => {
    const shop = 'erased-referrals.myshopify.com';
    const program = parseProgram({ referrals: { enabled: true, advocatePoints: 500, friendReward: { name: 'Welcome', kind: 'free_shipping' }, holdDays: 0, sameOriginLimit: 3 } });
    await service.store.ensureShop({ ...newShop(shop, new Date(NOW), 'USD'), program });
    // Signed in, never enrolled: the code's items are all there is of this customer.
    const { referral } = await service.member('8801', shop);
    expect((await claim({ code: referral.code, email: 'erased.friend@example.org' }, { shop })).status).toBe(201);
    const itemsOf = async () => {
      const { Items = [] } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName }));
      return Items.map((item) => unmarshall(item)).filter((item) => JSON.stringify(item).includes(shop));
    };
    expect(new Set((await itemsOf()).map((item) => item.entity))).toEqual(new Set(['shop', 'referral-code', 'advocate-code', 'referral', 'referral-friend', 'coupon', 'rate-limit']));
    expect((await service.webhook('shop/redact', { shop_id: 1, shop_domain: shop }, { shop })).status).toBe(200);
    expect((await itemsOf()).map((item) => [item.PK, item.SK])).toEqual([]);
  });
});

describe('customers/redact of a friend', () => {
  it('erases the friend’s e-mail and name from the advocate’s referral, which keeps its status and ids', async () => {
    const anna = await advocate('anna.redacted.friend@example.com');
    const friendEmail = 'Redact.Me@example.org';
    const { code } = await json(await claim({ code: anna.code, email: friendEmail }));
    const orderId = nextOrder++;
    expect((await service.webhook('orders/paid', friendOrder({ customerId: null, code, email: friendEmail, name: 'Rita Redact', id: orderId }))).status).toBe(200);
    const before = (await referralsOf('claimed')).find((referral) => referral.advocateId === anna.id)!;
    expect(before).toMatchObject({ friendEmail: friendEmail.toLowerCase(), order: { orderId: String(orderId), email: friendEmail.toLowerCase(), name: 'Rita Redact' } });

    const request = { shop_id: 1, shop_domain: SHOP, customer: { id: 777_001, email: friendEmail, phone: null }, orders_to_redact: [orderId] };
    expect((await service.webhook('customers/redact', request)).status).toBe(200);
    const after = (await referralsOf('claimed')).find((referral) => referral.id === before.id)!;
    expect(after).toMatchObject({ status: 'claimed', advocateId: anna.id, friendEmail: 'redacted', order: { orderId: String(orderId) } });
    expect(after.order).not.toHaveProperty('email');
    expect(after.order).not.toHaveProperty('name');
    expect(JSON.stringify(after).toLowerCase()).not.toContain('redact.me');

    // Delivered again: nothing left to erase, still 200; the referral is still settled as any other.
    expect((await service.webhook('customers/redact', request)).status).toBe(200);
    expect(await service.job('referrals', AFTER_HOLD)).toMatchObject({ completed: expect.any(Number) });
    expect((await service.member(anna.id)).balance).toBe(600);
  });
});
