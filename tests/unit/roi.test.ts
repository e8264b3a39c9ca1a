/** The ROI view's pure core: which group an order counts in, the month counters, and the arithmetic of the answer. */
import { describe, expect, it } from 'vitest';
import { memberRoiCounters, roiFiguresOf } from '../../shared/kpis/roi-figures.ts';
import { addMonths, monthsOf, pointValue, programRoi, totalsOf } from '../../shared/kpis/roi.ts';
import type { Member, Order } from '../../shared/ledger/types.ts';
import type { Coupon } from '../../shared/rewards/coupon.ts';
import { parseProgram } from '../../shared/program/program.ts';
import type { StoredFigures } from '../../shared/store/ports/figures.ts';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { toEvent } from '../../shared/shopify/webhook-events.ts';
import { SAMPLE_DISCOUNTED_ORDER } from '../support/shopify-samples.ts';
import type { Shop } from '../../shared/store/ports.ts';

const SHOP = 'unit.myshopify.com';

type OrderSpec = { at: string; minor?: number; cancelled?: true; imported?: true };
function member(orders: Record<string, OrderSpec>, extra: Partial<Member> = {}): Member {
  const spendByOrder = Object.fromEntries(
    Object.entries(orders).map(([id, o]) => [id, { at: o.at, minor: o.minor ?? 1000, multiplier: 1, ...(o.cancelled ? { cancelled: true as const } : {}), ...(o.imported ? { imported: true as const } : {}) }]),
  );
  const last = Object.values(orders).map((o) => o.at).sort().at(-1) ?? '2026-01-01T00:00:00Z';
  return { shop: SHOP, customerId: '1', enrolledAt: '2026-01-01T00:00:00Z', balance: 0, consumed: 0, pending: 0, lifetimeEarned: 0, spendByOrder, tier: 'Bronze', tierAsOf: last, contact: {}, rev: 1, ...extra };
}

const monthOfBucket = (deltas: [string, Record<string, number>][], month: string) => deltas.find(([bucket]) => bucket === `roi:${month}`)?.[1] ?? {};

describe('ROI groups', () => {
  it('count a first order, then a returning customer who never redeemed, then orders after a redemption as a member who uses the program', () => {
    const m = member(
      { a: { at: '2026-03-02T10:00:00Z', minor: 5000 }, b: { at: '2026-03-20T10:00:00Z', minor: 3000 }, c: { at: '2026-04-10T10:00:00Z', minor: 7000 }, d: { at: '2026-04-12T10:00:00Z', minor: 1000 } },
      { firstRedeemedAt: '2026-04-01T00:00:00Z' },
    );
    const counters = memberRoiCounters(m, 0);
    expect(counters.get('2026-03')).toEqual({
      'f.rev': 5000, 'f.ord': 1, 'f.cus': 1, 'f.ret': 1, // b came within 90 days of a
      'c.rev': 3000, 'c.ord': 1, 'c.cus': 1, 'c.ret': 1, // c came within 90 days of b
      'a.rev': 8000, 'a.ord': 2, 'a.cus': 1, 'a.ret': 1,
    });
    // Two orders in April, one customer; the last order has no order after it yet.
    expect(counters.get('2026-04')).toEqual({ 'e.rev': 8000, 'e.ord': 2, 'e.cus': 1, 'e.ret': 1, 'a.rev': 8000, 'a.ord': 2, 'a.cus': 1, 'a.ret': 1 });
  });

  it('keep imported history apart, and count its customers as returning once the program runs', () => {
    const counters = memberRoiCounters(member({ old: { at: '2025-05-01T10:00:00Z', imported: true }, now: { at: '2026-05-01T10:00:00Z' } }), 0);
    expect(counters.get('2025-05')).toEqual({ 'b.rev': 1000, 'b.ord': 1, 'b.cus': 1 }); // a year later is past 90 days
    expect(counters.get('2026-05')).toMatchObject({ 'c.cus': 1, 'a.cus': 1 });
    expect(counters.get('2026-05')?.['f.cus']).toBeUndefined();
  });

  it('leave cancelled orders out, and count a refund as less revenue', () => {
    const was = member({ a: { at: '2026-03-02T10:00:00Z', minor: 5000 }, b: { at: '2026-03-05T10:00:00Z', minor: 2000 } });
    const after = member({ a: { at: '2026-03-02T10:00:00Z', minor: 3000 }, b: { at: '2026-03-05T10:00:00Z', minor: 2000, cancelled: true } });
    const deltas = roiFiguresOf({ kind: 'member', shop: SHOP, before: was, after });
    // Order b no longer counts: a has no order after it, c loses b; f keeps a at 3000.
    expect(monthOfBucket(deltas, '2026-03')).toEqual({ 'f.rev': -2000, 'f.ret': -1, 'c.rev': -2000, 'c.ord': -1, 'c.cus': -1, 'a.rev': -4000, 'a.ord': -1, 'a.ret': -1 });
  });

  it('move orders to the members who use the program when a redemption precedes them, and nothing for an unrelated change', () => {
    const before = member({ a: { at: '2026-03-02T10:00:00Z' }, b: { at: '2026-03-20T10:00:00Z' } });
    expect(roiFiguresOf({ kind: 'member', shop: SHOP, before, after: { ...before, balance: 50, rev: 2 } })).toEqual([]);
    const deltas = roiFiguresOf({ kind: 'member', shop: SHOP, before, after: { ...before, firstRedeemedAt: '2026-03-10T00:00:00Z' } });
    expect(monthOfBucket(deltas, '2026-03')).toEqual({ 'c.rev': -1000, 'c.ord': -1, 'c.cus': -1, 'e.rev': 1000, 'e.ord': 1, 'e.cus': 1 });
  });

  it('sum, change after change, to what the final member gives at once (orders delivered out of order)', () => {
    const steps = [
      member({ b: { at: '2026-03-20T10:00:00Z' } }),
      member({ a: { at: '2026-03-02T10:00:00Z' }, b: { at: '2026-03-20T10:00:00Z' } }),
      member({ a: { at: '2026-03-02T10:00:00Z' }, b: { at: '2026-03-20T10:00:00Z', minor: 400 }, c: { at: '2026-06-30T10:00:00Z' } }, { firstRedeemedAt: '2026-06-01T00:00:00Z' }),
    ];
    const summed: Record<string, Record<string, number>> = {};
    steps.forEach((after, i) => {
      for (const [bucket, add] of roiFiguresOf({ kind: 'member', shop: SHOP, ...(i ? { before: steps[i - 1] } : {}), after })) {
        for (const [name, by] of Object.entries(add)) (summed[bucket] ??= {})[name] = (summed[bucket]![name] ?? 0) + by;
      }
    });
    const clean = (counters: Record<string, number>) => Object.fromEntries(Object.entries(counters).filter(([, v]) => v !== 0));
    const atOnce = Object.fromEntries(roiFiguresOf({ kind: 'member', shop: SHOP, after: steps[2]! }));
    expect(Object.fromEntries(Object.entries(summed).map(([bucket, counters]) => [bucket, clean(counters)]))).toEqual(atOnce);
  });
});

describe('ROI costs', () => {
  const order = (extra: Partial<Order> = {}): Order => ({
    shop: SHOP, orderId: '9', customerId: '1', refunds: {}, reversedPoints: 0, spendCounted: 0, rev: 1,
    paid: { at: '2026-03-05T10:00:00Z', currency: 'USD', subtotalMinor: 10000, taxesIncluded: false, includedTaxMinor: 0, eligibleMinor: 10000, points: 100, tier: 'Bronze', multiplier: 1, discountCodes: ['LOY-1'], loyaltyDiscountMinor: 500 },
    ...extra,
  });

  it('counts our codes’ discount in the month of the order, and takes it back when the order is cancelled', () => {
    expect(roiFiguresOf({ kind: 'order', shop: SHOP, after: order() })).toEqual([['roi:2026-03', { 'cost.disc': 500 }]]);
    expect(roiFiguresOf({ kind: 'order', shop: SHOP, before: order(), after: order({ refunds: { r: { at: '2026-03-06T00:00:00Z', subtotalMinor: 100 } } }) })).toEqual([]);
    expect(roiFiguresOf({ kind: 'order', shop: SHOP, before: order(), after: order({ cancelledAt: '2026-03-07T00:00:00Z' }) })).toEqual([['roi:2026-03', { 'cost.disc': -500 }]]);
  });

  it('reads what each discount code took off a paid order, and refuses an amount that is not money', () => {
    expect(toEvent('orders/paid', SAMPLE_DISCOUNTED_ORDER)).toMatchObject({ discountCodes: ['SPRING15'], discountAmounts: { SPRING15: expect.any(Number) } });
    const event = toEvent('orders/paid', { ...SAMPLE_DISCOUNTED_ORDER, discount_codes: [{ code: 'LOY-A', amount: '5.00', type: 'fixed_amount' }, { code: 'FREE', amount: null }] });
    expect(event).toMatchObject({ discountCodes: ['LOY-A', 'FREE'], discountAmounts: { 'LOY-A': 500 } });
    expect(() => toEvent('orders/paid', { ...SAMPLE_DISCOUNTED_ORDER, discount_codes: [{ code: 'LOY-A', amount: 'five' }] })).toThrow(InvalidPayloadError);
  });

  it('counts a guest order’s revenue net of refunds, until a member claims it', () => {
    const guest = order({ customerId: undefined, paid: { ...order().paid!, loyaltyDiscountMinor: undefined } });
    expect(roiFiguresOf({ kind: 'order', shop: SHOP, after: { ...guest, refunds: { r: { at: '2026-03-06T00:00:00Z', subtotalMinor: 2500, taxMinor: 0 } } } })).toEqual([['roi:2026-03', { 'g.rev': 7500, 'g.ord': 1 }]]);
    expect(roiFiguresOf({ kind: 'order', shop: SHOP, before: guest, after: { ...guest, customerId: '5' } })).toEqual([['roi:2026-03', { 'g.rev': -10000, 'g.ord': -1 }]]);
  });

  it('counts store credit at its value once Shopify has it, once', () => {
    const credit = (status: Coupon['status']): Coupon => ({
      shop: SHOP, code: 'credit-1', customerId: '1', rewardId: 'credit', reward: { name: '10 credit', kind: 'store_credit', value: 10 }, currency: 'EUR', points: 1000, source: 'redemption', createdAt: '2026-04-30T23:00:00Z', status, attempts: 0,
    });
    expect(roiFiguresOf({ kind: 'coupon', shop: SHOP, after: credit('pending') })).toEqual([]);
    expect(roiFiguresOf({ kind: 'coupon', shop: SHOP, before: credit('pending'), after: credit('issued') })).toEqual([['roi:2026-04', { 'cost.credit': 1000 }]]);
    expect(roiFiguresOf({ kind: 'coupon', shop: SHOP, before: credit('issued'), after: { ...credit('issued'), attempts: 2 } })).toEqual([]);
  });

  it('nets every ledger entry’s points in its month', () => {
    const entry = { id: 'x', type: 'redeem' as const, points: -500, occurredAt: '2026-02-28T23:59:59Z', recordedAt: '2026-02-28T23:59:59Z', balanceAfter: 0 };
    expect(roiFiguresOf({ kind: 'ledger', shop: SHOP, entry })).toEqual([['roi:2026-02', { pts: -500 }]]);
  });
});

describe('the ROI answer', () => {
  it('names months, and refuses a bad or too long range', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-11', 14)).toBe('2027-01');
    expect(monthsOf('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(() => monthsOf('2026-13', '2026-12')).toThrow('YYYY-MM');
    expect(() => monthsOf('2026-03', '2026-02')).toThrow('after');
    expect(() => monthsOf('2024-01', '2026-01')).toThrow('at most 24');
  });

  it('values a point at the best money reward: store credit or an amount off', () => {
    const program = parseProgram({});
    expect(pointValue(program, 'USD')).toEqual({ rewardId: expect.any(String), points: 500, minor: 500 });
    const better = { ...program, rewards: [...program.rewards, { id: 'credit', name: '12 credit', kind: 'store_credit' as const, cost: 1000, value: 12 }] };
    expect(pointValue(better as typeof program, 'USD')).toEqual({ rewardId: 'credit', points: 1000, minor: 1200 });
    expect(pointValue({ ...program, rewards: [] }, 'USD')).toBeNull();
  });

  it('works liability back from today’s points by the months since, and compares the groups', async () => {
    const items: StoredFigures[] = [
      { bucket: 'gauge', counters: { liabilityPoints: 900, pendingPoints: 100 } },
      { bucket: 'roi:2026-03', counters: { 'e.rev': 30000, 'e.ord': 3, 'e.cus': 2, 'e.ret': 1, 'c.rev': 20000, 'c.ord': 4, 'c.cus': 4, 'cost.disc': 600, 'cost.credit': 900, pts: 700 } },
      // Another shard of the same month adds up.
      { bucket: 'roi:2026-03', counters: { 'c.ret': 1, pts: 100 } },
      { bucket: 'roi:2026-04', counters: { pts: 200 } },
      { bucket: 'roi:2025-03', counters: { 'b.rev': 9000, 'b.ord': 3, 'b.cus': 3 } },
    ];
    const store = { readStats: async (_shop: string, buckets: string[]) => items.filter((item) => buckets.includes(item.bucket)), applyFigures: async () => ({ applied: true as const }) };
    const shop = { shop: SHOP, currency: 'USD', program: parseProgram({}) } as unknown as Shop;
    const roi = await programRoi(store, shop, { from: '2026-03', to: '2026-03', today: '2026-05-15' });
    const march = roi.months[0]!;
    expect(march.members).toEqual({ customers: 2, orders: 3, revenueMinor: 30000, revenuePerCustomerMinor: 15000, repeatCustomers: 1, repeatRate: 0.5 });
    expect(march.nonMembers).toMatchObject({ customers: 4, revenuePerCustomerMinor: 5000, repeatRate: 0.25 });
    expect(march.beforeProgram).toMatchObject({ month: '2025-03', customers: 3, revenueMinor: 9000 });
    expect(march.rewardCostMinor).toEqual({ discounts: 600, storeCredit: 900, total: 1500 });
    expect(march.rewardCostShareOfMemberRevenue).toBe(0.05);
    // 1000 held and pending now, less April's 200 and May's none: 800 points at 1 cent each.
    expect(march).toMatchObject({ liabilityPoints: 800, liabilityMinor: 800, repeatRateFinal: false });
    expect(roi.totals).toMatchObject({ spendRatio: 3, rewardCostShareOfMemberRevenue: 0.05 });
    expect(roi.method).toContain('self-selection');
  });

  it('sums customers over months as customer-months', () => {
    const g = (customers: number, revenueMinor: number) => ({ customers, orders: customers, revenueMinor, revenuePerCustomerMinor: null, repeatCustomers: 0, repeatRate: null });
    const totals = totalsOf([
      { members: g(1, 3000), nonMembers: g(2, 2000), rewardCostMinor: { discounts: 100, storeCredit: 0, total: 100 } },
      { members: g(1, 1000), nonMembers: g(2, 2000), rewardCostMinor: { discounts: 0, storeCredit: 100, total: 100 } },
    ]);
    expect(totals.members).toMatchObject({ customerMonths: 2, revenuePerCustomerMinor: 2000 });
    expect(totals.nonMembers).toMatchObject({ customerMonths: 4, revenuePerCustomerMinor: 1000 });
    expect(totals).toMatchObject({ spendRatio: 2, rewardCostShareOfMemberRevenue: 0.05 });
  });
});
