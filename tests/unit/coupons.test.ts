import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, couponPrefix, looksLikeCouponCode, randomCouponCode } from '../../shared/rewards/coupon-code.ts';
import { newCoupon } from '../../shared/rewards/redeem.ts';
import { discountMutation } from '../../shared/shopify/admin-graphql.ts';
import { defaultProgram } from '../../shared/program/program.ts';

describe('coupon codes', () => {
  it('use no look-alike characters', () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
    for (let i = 0; i < 200; i++) {
      const code = randomCouponCode('DEMO');
      expect(code).toMatch(/^DEMO-[A-Z2-9]{10}$/);
      expect(code.slice(5)).not.toMatch(/[01OIL]/);
      expect(looksLikeCouponCode(code)).toBe(true);
    }
  });

  it('are not predictable', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => randomCouponCode('X')));
    expect(codes.size).toBe(1000);
  });

  it('start with a prefix from the shop’s name unless the program sets one', () => {
    expect(couponPrefix('cool-store.myshopify.com')).toBe('CSTRE');
    expect(couponPrefix('0110.myshopify.com')).toBe('REWARD');
    expect(couponPrefix('cool-store.myshopify.com', 'VIP')).toBe('VIP');
    expect(looksLikeCouponCode('SUMMER10')).toBe(false);
  });
});

describe('the discount mutation', () => {
  const at = new Date('2026-06-01T00:00:00Z');
  const shop = { shop: 'demo.myshopify.com', program: defaultProgram, currency: 'EUR' };

  it('restricts a fixed amount off to the customer, once, until the coupon expires', () => {
    const coupon = newCoupon(shop, '42', { ...defaultProgram.rewards[0]!, minimumOrder: 30 }, 'DEMO-ABCDEFGHJK', at, 'redemption');
    const { field, variables } = discountMutation(coupon);
    expect(field).toBe('discountCodeBasicCreate');
    expect(variables.basicCodeDiscount).toEqual({
      title: 'Loyalty reward: 5 off your order (DEMO-ABCDEFGHJK)',
      code: 'DEMO-ABCDEFGHJK',
      startsAt: '2026-06-01T00:00:00.000Z',
      endsAt: '2026-08-30T00:00:00.000Z',
      context: { customers: { add: ['gid://shopify/Customer/42'] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
      minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: '30.00' } },
      customerGets: { value: { discountAmount: { amount: '5.00', appliesOnEachItem: false } }, items: { all: true } },
    });
  });
});
