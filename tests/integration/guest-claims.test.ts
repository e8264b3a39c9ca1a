/**
 * Guest claims over DynamoDB Local, through signed webhooks: a guest order's points wait for an
 * account with the same verified email and come with its `customers/create`, dated at the order;
 * an unverified email, a claim past its days, or a second delivery bring nothing; refunds before
 * the claim take their share; after the claim the order is the member's like any other.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { json, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

const NOW = '2026-06-01T12:00:00Z';
const CLAIMS_OFF_SHOP = 'no-claims.myshopify.com';
let service: Service;

/** A guest's paid order: no customer, the checkout's email. */
const guestOrder = (id: number, email: string, subtotal: string, at: string) => ({ ...paidOrder({ id, customerId: null, subtotal, at }), email });

const customerCreated = (id: number, email: string, verified: boolean, createdAt = '2026-06-01T09:00:00Z') => ({
  id,
  email,
  verified_email: verified,
  first_name: 'Guest',
  created_at: createdAt,
  updated_at: createdAt,
});

const activity = async (customerId: string) => (await json(await service.proxy('/member/activity', { customerId }))).entries as any[];

beforeAll(async () => {
  service = await testService(NOW);
  await service.store.ensureShop({ ...newShop(CLAIMS_OFF_SHOP, new Date('2026-01-01T00:00:00Z'), 'USD'), program: parseProgram({ guests: { claimDays: 0 } }) });
});

describe('guest claims', () => {
  it('grants a guest order to the account created with the same verified email, dated at the order', async () => {
    const paid = await service.webhook('orders/paid', guestOrder(9101, 'Guest.One@Example.com', '120.00', '2026-05-20T10:00:00Z'));
    expect(await json(paid)).toMatchObject({ outcome: 'no-effect' });

    const created = await service.webhook('customers/create', customerCreated(6101, ' guest.one@example.com', true));

    expect(created.status).toBe(200);
    expect((await service.member('6101')).balance).toBe(100 + 120);
    const earned = (await activity('6101')).find((entry) => entry.type === 'earn');
    expect(earned).toMatchObject({ points: 120, orderId: '9101', occurredAt: '2026-05-20T10:00:00.000Z' });
  });

  it('grants nothing more when customers/create is delivered again', async () => {
    await service.webhook('customers/create', customerCreated(6101, 'guest.one@example.com', true));
    await service.webhook('customers/create', customerCreated(6101, 'guest.one@example.com', true), { eventId: 'another-event' });

    expect((await service.member('6101')).balance).toBe(220);
    expect((await activity('6101')).filter((entry) => entry.type === 'earn')).toHaveLength(1);
  });

  it('grants nothing to an account whose email is not verified', async () => {
    await service.webhook('orders/paid', guestOrder(9102, 'two@example.com', '80.00', '2026-05-25T10:00:00Z'));

    await service.webhook('customers/create', customerCreated(6102, 'two@example.com', false));
    await service.webhook('customers/create', { ...customerCreated(6103, 'two@example.com', true), verified_email: undefined });

    expect((await service.member('6102')).balance).toBe(100);
    expect((await service.member('6103')).balance).toBe(100);
  });

  it('grants nothing once the claim days are over', async () => {
    await service.webhook('orders/paid', guestOrder(9104, 'late@example.com', '90.00', '2026-04-20T10:00:00Z'));

    await service.webhook('customers/create', customerCreated(6104, 'late@example.com', true, '2026-05-21T10:00:01Z'));

    expect((await service.member('6104')).balance).toBe(100);
  });

  it('claims less for a guest order refunded before the claim, and the refund is in the ledger at its date', async () => {
    await service.webhook('orders/paid', guestOrder(9105, 'refunded@example.com', '200.00', '2026-05-10T10:00:00Z'));
    await service.webhook('refunds/create', refund({ id: 99105, orderId: 9105, subtotal: '50.00', at: '2026-05-12T10:00:00Z' }));

    await service.webhook('customers/create', customerCreated(6105, 'refunded@example.com', true));

    expect((await service.member('6105')).balance).toBe(100 + 200 - 50);
    const entries = await activity('6105');
    expect(entries.find((entry) => entry.type === 'reverse')).toMatchObject({ points: -50, occurredAt: '2026-05-12T10:00:00.000Z' });
  });

  it('claims nothing for a guest order cancelled before the claim', async () => {
    await service.webhook('orders/paid', guestOrder(9106, 'cancelled@example.com', '70.00', '2026-05-10T10:00:00Z'));
    await service.webhook('orders/cancelled', { ...guestOrder(9106, 'cancelled@example.com', '70.00', '2026-05-10T10:00:00Z'), cancelled_at: '2026-05-11T10:00:00Z' });

    await service.webhook('customers/create', customerCreated(6106, 'cancelled@example.com', true));

    expect((await service.member('6106')).balance).toBe(100);
  });

  it('treats a claimed order as the member own: a later refund reverses from them', async () => {
    await service.webhook('refunds/create', refund({ id: 99101, orderId: 9101, subtotal: '20.00', at: '2026-06-01T11:00:00Z' }));

    expect((await service.member('6101')).balance).toBe(220 - 20);
  });

  it('records no claim when the program turns guest claims off', async () => {
    const paid = await service.webhook('orders/paid', guestOrder(9107, 'off@example.com', '60.00', '2026-05-30T10:00:00Z'), { shop: CLAIMS_OFF_SHOP });
    await service.webhook('customers/create', customerCreated(6107, 'off@example.com', true), { shop: CLAIMS_OFF_SHOP });

    expect(await json(paid)).toMatchObject({ outcome: 'no-effect' });
    expect((await service.member('6107', CLAIMS_OFF_SHOP)).balance).toBe(100);
  });

  it('counts a claimed order among the program figures once', async () => {
    await service.figures();
    const kpis = await service.store.readStats('test-shop.myshopify.com', ['2026-05-20']);
    expect(kpis.reduce((sum, stats) => sum + (stats.counters.orders ?? 0), 0)).toBe(1);
  });
});
