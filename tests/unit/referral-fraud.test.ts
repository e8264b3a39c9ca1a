import { describe, expect, it } from 'vitest';
import { canonicalEmail, canonicalName, editDistance, emailLikeness, fraudReasons, identityReasons, originKey } from '../../shared/referrals/fraud.ts';
import { orderUndone, settleDueReferral } from '../../shared/referrals/settle.ts';
import { advocateOf, looksLikeReferralCode, randomReferralCode, referralId } from '../../shared/referrals/referral.ts';
import type { Referral } from '../../shared/referrals/referral.ts';
import { parseProgram } from '../../shared/program/program.ts';
import type { Order } from '../../shared/ledger/types.ts';
import { withReferralOrders } from '../../shared/referrals/attribution.ts';

const advocate = { customerId: '100', email: 'Anna.Berg@gmail.com', name: 'Anna Berg' };
const friend = (facts: Partial<Parameters<typeof identityReasons>[1]> = {}) => ({ emails: ['carl@example.org'], ...facts });

describe('similar e-mail addresses', () => {
  it('reads case, dots and +tags in the local part as one mailbox', () => {
    expect(canonicalEmail(' Anna.Berg+shop@GMAIL.com ')).toBe('annaberg@gmail.com');
    expect(canonicalEmail('anna.berg@googlemail.com')).toBe('annaberg@gmail.com');
    expect(emailLikeness('anna.berg@gmail.com', 'ANNABERG+friend@gmail.com')).toBe('same-email');
  });

  it('calls one edit apart, added digits, or the same name at another provider similar', () => {
    expect(emailLikeness('annaberg@gmail.com', 'annaberq@gmail.com')).toBe('similar-email');
    expect(emailLikeness('annaberg@gmail.com', 'annaberg77@gmail.com')).toBe('similar-email');
    expect(emailLikeness('annaberg@gmail.com', 'anna.berg@outlook.com')).toBe('similar-email');
  });

  it('tells different people apart', () => {
    expect(emailLikeness('annaberg@gmail.com', 'carl.holm@gmail.com')).toBeUndefined();
    expect(emailLikeness('ab@x.com', 'ac@x.com')).toBeUndefined(); // too short to judge by one letter
    expect(emailLikeness('info@shop-a.com', 'info2@shop-b.com')).toBe('similar-email');
    expect(emailLikeness(undefined, 'carl@example.org')).toBeUndefined();
  });

  it('measures edit distance, stopping past its limit', () => {
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });
});

describe('the friend is the advocate', () => {
  it('blocks the advocate’s own customer account', () => {
    expect(identityReasons(advocate, friend({ customerId: '100' }))).toEqual(['same-customer']);
  });

  it('blocks the same e-mail (not also as similar) and a similar one', () => {
    expect(identityReasons(advocate, friend({ emails: ['annaberg+x@gmail.com'] }))).toEqual(['same-email']);
    expect(identityReasons(advocate, friend({ emails: ['carl@example.org', 'annaberg1@gmail.com'] }))).toEqual(['similar-email']);
  });

  it('blocks the advocate’s name on the order, in any order of words and case', () => {
    expect(canonicalName('BERG, anna')).toBe('anna berg');
    expect(identityReasons(advocate, friend({ name: 'berg anna' }))).toEqual(['same-name']);
    expect(identityReasons(advocate, friend({ name: 'Anna' }))).toEqual([]);
  });

  it('blocks a friend who had ordered before, and lets a new one through', () => {
    expect(identityReasons(advocate, friend({ customerId: '200', priorOrders: 1 }))).toEqual(['existing-customer']);
    expect(identityReasons(advocate, friend({ customerId: '200', priorOrders: 0 }))).toEqual([]);
  });
});

describe('many referrals of one advocate from one place in a week', () => {
  const ip = originKey('203.0.113.9')!;
  const address = originKey('1 Main St, Springfield, 12345, US')!;
  const at = '2026-06-10T12:00:00Z';

  it('blocks from the limit on, this referral included, by browser IP or by address', () => {
    const two = [{ at: '2026-06-08T12:00:00Z', ipKey: ip }, { at: '2026-06-12T12:00:00Z', ipKey: ip }];
    expect(fraudReasons(advocate, friend({ ipKey: ip, at }), two, 3)).toEqual(['repeated-ip']);
    expect(fraudReasons(advocate, friend({ ipKey: ip, at }), two.slice(0, 1), 3)).toEqual([]);
    const shipped = [{ at, addressKey: address }, { at, addressKey: address }];
    expect(fraudReasons(advocate, friend({ addressKey: address, at }), shipped, 3)).toEqual(['repeated-address']);
  });

  it('counts only referrals within seven days of this order', () => {
    const old = [{ at: '2026-06-01T11:00:00Z', ipKey: ip }, { at: '2026-06-02T12:00:00Z', ipKey: ip }];
    expect(fraudReasons(advocate, friend({ ipKey: ip, at }), old, 3)).toEqual([]);
  });

  it('matches two spellings of one address, never stores it', () => {
    expect(originKey('1 Main St., Springfield 12345 US')).toBe(originKey(' 1 main st springfield, 12345, us'));
    expect(originKey('1 Main St')).not.toContain('Main');
    expect(originKey('')).toBeUndefined();
  });
});

describe('codes and ids', () => {
  it('draws 8 characters without look-alikes', () => {
    const code = randomReferralCode();
    expect(looksLikeReferralCode(code)).toBe(true);
    expect(looksLikeReferralCode('ABCD0FGH')).toBe(false);
    expect(looksLikeReferralCode('abcdefgh')).toBe(false);
  });

  it('gives one referral per code and person, naming its advocate', () => {
    const id = referralId('100', 'K7QX2MPA', 'Carl.Holm+a@gmail.com');
    expect(id).toBe(referralId('100', 'K7QX2MPA', 'carlholm@gmail.com'));
    expect(advocateOf(id)).toBe('100');
    expect(advocateOf('nonsense')).toBeUndefined();
  });
});

describe('settling after the hold', () => {
  const program = parseProgram({ referrals: { enabled: true, advocatePoints: 250, friendReward: { name: 'Welcome', kind: 'percentage', value: 10 }, holdDays: 14, sameOriginLimit: 3 } });
  const now = new Date('2026-07-01T00:00:00Z');
  const referral: Referral = {
    shop: 's.myshopify.com',
    id: '100.0123456789abcdef',
    code: 'K7QX2MPA',
    advocateId: '100',
    friendEmail: 'carl@example.org',
    couponCode: 'S-ABCDEFGHJK',
    claimedAt: '2026-06-01T00:00:00Z',
    status: 'claimed',
    order: { orderId: '9', at: '2026-06-02T00:00:00Z', dueAt: '2026-06-16T00:00:00Z', customerId: '200', priorOrders: 0 },
  };
  const order = (facts: Partial<Order>): Order => ({ shop: 's', orderId: '9', refunds: {}, reversedPoints: 0, spendCounted: 0, rev: 1, paid: { subtotalMinor: 5000, giftCardMinor: 0 } as Order['paid'], ...facts });

  it('pays the advocate a lot and a ledger entry keyed by the referral', () => {
    const settled = settleDueReferral({ referral, program, others: [], now });
    expect(settled.referral).toMatchObject({ status: 'completed', points: 250, settledBy: 'job' });
    expect(settled.credit?.lot).toMatchObject({ id: `referral:${referral.id}`, source: 'referral', points: 250, expiresAt: '2027-07-01T00:00:00.000Z' });
    expect(settled.credit?.entry).toMatchObject({ id: `referral:${referral.id}`, type: 'bonus', reason: 'referral', points: 250, balanceAfter: 250 });
    expect(settled.credit?.member).toMatchObject({ customerId: '100', balance: 250, rev: 0 });
  });

  it('voids a cancelled or wholly refunded order, and keeps a partly refunded one', () => {
    expect(orderUndone(order({ cancelledAt: '2026-06-03T00:00:00Z' }))).toBe('order-cancelled');
    expect(orderUndone(order({ refunds: { r: { at: 'x', subtotalMinor: 5000 } } }))).toBe('order-refunded');
    expect(orderUndone(order({ refunds: { r: { at: 'x', subtotalMinor: 1000 } } }))).toBeUndefined();
    expect(settleDueReferral({ referral, program, order: order({ cancelledAt: 'x' }), others: [], now }).referral).toMatchObject({ status: 'void', note: 'order-cancelled' });
  });

  it('blocks with every reason found, paying nothing', () => {
    const own = { ...referral, order: { ...referral.order!, customerId: '100', priorOrders: 2 } };
    const settled = settleDueReferral({ referral: own, program, others: [], now });
    expect(settled.referral).toMatchObject({ status: 'blocked', reasons: ['same-customer', 'existing-customer'] });
    expect(settled.credit).toBeUndefined();
  });
});

describe('the friend’s order, in the order’s own change', () => {
  const program = parseProgram({ pendingDays: 30, referrals: { enabled: true, advocatePoints: 500, friendReward: { name: 'Welcome', kind: 'free_shipping' }, holdDays: 14, sameOriginLimit: 3 } });
  const welcome = { shop: 's', code: 'S-ABCDEFGHJK', customerId: '', rewardId: 'referral-welcome', reward: { name: 'Welcome', kind: 'free_shipping' as const }, currency: 'USD', points: 0, source: 'referral' as const, referral: { id: '100.0123456789abcdef', advocateId: '100' }, createdAt: 'x', status: 'issued' as const, attempts: 1 };
  const event = {
    kind: 'order-paid' as const,
    orderId: '9',
    at: '2026-06-02T00:00:00.000Z',
    currency: 'USD',
    subtotalMinor: 4000,
    giftCardMinor: 0,
    taxesIncluded: false,
    includedTaxMinor: 0,
    discountCodes: ['S-ABCDEFGHJK'],
    origin: { email: 'Carl@Example.org', browserIp: '203.0.113.9', shippingAddress: '1 Main St', name: 'Carl Holm' },
  };
  const ctx = { shop: 's', program, now: new Date('2026-06-02T01:00:00Z'), coupons: [welcome] };

  it('records a guest’s order (which earns nothing) on the referral, due after the longer of hold and return window, with hashes only', () => {
    const change = withReferralOrders(ctx, event, null)!;
    expect(change.couponUses).toEqual([{ code: 'S-ABCDEFGHJK', orderId: '9', at: event.at }]);
    expect(change.referralOrders).toEqual([
      { advocateId: '100', referralId: '100.0123456789abcdef', order: { orderId: '9', at: event.at, dueAt: '2026-07-02T00:00:00.000Z', email: 'carl@example.org', name: 'Carl Holm', ipKey: originKey('203.0.113.9'), addressKey: originKey('1 Main St'), priorOrders: 0 } },
    ]);
    expect(JSON.stringify(change)).not.toContain('203.0.113.9');
  });

  it('adds nothing for a code used before, an order paid before, or an order without a welcome code', () => {
    expect(withReferralOrders({ ...ctx, coupons: [{ ...welcome, status: 'used' as const }] }, event, null)).toBeNull();
    expect(withReferralOrders(ctx, { ...event, discountCodes: [] }, null)).toBeNull();
    const paid = { shop: 's', orderId: '9', refunds: {}, reversedPoints: 0, spendCounted: 0, rev: 1, paid: {} as Order['paid'] };
    expect(withReferralOrders({ ...ctx, order: paid }, event, null)).toBeNull();
  });

  it('counts a member friend’s earlier orders, and keeps the use the order already records', () => {
    const member = { orderCount: 2 } as unknown as NonNullable<Parameters<typeof withReferralOrders>[0]['member']>;
    const base = { lots: [], entries: [], couponUses: [{ code: 'S-ABCDEFGHJK', orderId: '9', at: event.at }] };
    const change = withReferralOrders({ ...ctx, member }, { ...event, customerId: '200' }, base)!;
    expect(change.couponUses).toHaveLength(1);
    expect(change.referralOrders?.[0]?.order).toMatchObject({ customerId: '200', priorOrders: 2 });
  });
});
