import { describe, expect, it } from 'vitest';
import type { Member, Program, Redemption } from '../../extensions/customer-account/src/api.ts';
import { CustomerApiError } from '../../extensions/customer-account/src/api.ts';
import { localeFormat } from '../../extensions/customer-account/src/locale-format.ts';
import { messagesFor } from '../../extensions/customer-account/src/messages.ts';
import { orderPointsView } from '../../extensions/customer-account/src/order-points-view.ts';
import {
  activityRow,
  expiringSoon,
  redemptionFailure,
  redemptionNotice,
  rewardsView,
  tierProgressFraction,
} from '../../extensions/customer-account/src/rewards-view.ts';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

function program(currency = 'USD', tiers = [['Bronze', '0.00'], ['Silver', '500.00'], ['Gold', '1500.00']]): Program {
  return {
    currency,
    earning: { pointsPerUnit: 1 },
    signupBonus: 100,
    tiers: tiers.map(([name, minSpend], index) => ({ name: name!, minSpend: minSpend!, multiplier: 1 + index * 0.25 })),
    expiry: { days: 365 },
    rewards: [],
  };
}

function member(overrides: Partial<Member> = {}): Member {
  return {
    customerId: '1001',
    enrolled: true,
    currency: 'USD',
    balance: 600,
    pending: 0,
    tier: 'Silver',
    tierMultiplier: 1.25,
    tierSpend: '800.00',
    nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '1500.00', remaining: '700.00', currency: 'USD' },
    expiring: [],
    rewards: [
      { id: 'five-off', name: '5 off your order', kind: 'fixed_amount', cost: 500, value: 5, validityDays: 90, affordable: true },
      { id: 'ten-percent-off', name: '10% off your order', kind: 'percentage', cost: 1000, value: 10, validityDays: 90, affordable: false },
      { id: 'free-shipping', name: 'Free shipping', kind: 'free_shipping', cost: 300, validityDays: 90, affordable: true },
    ],
    ...overrides,
  };
}

const context = (locale = 'en-US') => ({ format: localeFormat(locale, { timeZone: 'UTC' }), messages: messagesFor(locale) });

describe('the Rewards page view', () => {
  it('shows the balance, pending points and the tier with its multiplier', () => {
    const view = rewardsView(member({ balance: 1250, pending: 40 }), program(), NOW, context());

    expect(view.balance).toBe('1,250 points');
    expect(view.pending).toBe('40 points pending');
    expect(view.tier).toBe('Silver tier');
    expect(view.multiplier).toBe('1.25× points on every order');
    expect(view.earning).toBe('Earn 1 point for every $1.00 you spend.');
  });

  it('measures progress from the current tier threshold to the next one', () => {
    // Silver from 500, Gold from 1500, spend 800: 300 of 1000 on the way.
    expect(tierProgressFraction(member(), program())).toBeCloseTo(0.3);
    // Without the program the way starts at nothing: 800 of 1500.
    expect(tierProgressFraction(member(), undefined)).toBeCloseTo(800 / 1500);
    expect(tierProgressFraction(member({ tier: 'Bronze', tierSpend: '0.00', nextTier: { name: 'Silver', multiplier: 1.25, minSpend: '500.00', remaining: '500.00', currency: 'USD' } }), program())).toBe(0);

    const view = rewardsView(member(), program(), NOW, context());
    expect(view.progress).toEqual({ fraction: expect.closeTo(0.3), label: 'Spend $700.00 more to reach Gold', accessibilityLabel: 'Progress to Gold' });
    expect(view.topTier).toBeNull();
  });

  it('says the top tier is reached, with no progress bar, when there is no next tier', () => {
    const view = rewardsView(member({ tier: 'Gold', tierSpend: '2000.00', nextTier: null }), program(), NOW, context());

    expect(view.progress).toBeNull();
    expect(view.topTier).toBe('You have reached the top tier.');
  });

  it('lists only the lots expiring within 30 days, soonest first', () => {
    const lots = [
      { points: 120, expiresAt: inDays(20) },
      { points: 80, expiresAt: inDays(45) },
      { points: 50, expiresAt: inDays(3) },
      { points: 10, expiresAt: inDays(-1) },
    ];

    expect(expiringSoon(member({ expiring: lots }), NOW)).toEqual([lots[2], lots[0]]);
    const view = rewardsView(member({ expiring: lots }), program(), NOW, context());
    expect(view.expiringSoon.map((lot) => lot.text)).toEqual(['50 points on Dec 2, 2026', '120 points on Dec 19, 2026']);
  });

  it('offers each reward with its state: affordable, or disabled with the points missing', () => {
    const view = rewardsView(member(), program(), NOW, context());

    expect(view.rewards).toEqual([
      expect.objectContaining({ id: 'five-off', description: '$5.00 off your order', cost: 'Costs 500 points', affordable: true, shortfall: null, accessibilityLabel: 'Redeem 5 off your order' }),
      expect.objectContaining({ id: 'ten-percent-off', description: '10% off your order', affordable: false, shortfall: 'You need 400 points more' }),
      expect.objectContaining({ id: 'free-shipping', description: 'Free shipping', cost: 'Costs 300 points', affordable: true }),
    ]);
  });

  it('writes money in the shop currency with its own decimals, in the customer locale', () => {
    const jpy = member({ currency: 'JPY', tierSpend: '8000', nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '15000', remaining: '7000', currency: 'JPY' }, rewards: [{ id: 'yen', name: '500 yen off', kind: 'fixed_amount', cost: 500, value: 500, affordable: true }] });
    const huf = member({ currency: 'HUF', nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '150000', remaining: '70000', currency: 'HUF' }, rewards: [{ id: 'credit', name: 'Credit', kind: 'store_credit', cost: 500, value: 2500, affordable: true }] });
    const eur = member({ currency: 'EUR', nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '1500.00', remaining: '700.50', currency: 'EUR' }, rewards: [{ id: 'five', name: '5 EUR', kind: 'fixed_amount', cost: 500, value: 5.5, minimumOrder: 50, affordable: true }] });

    expect(rewardsView(jpy, program('JPY'), NOW, context('en-US')).progress?.label).toBe('Spend ¥7,000 more to reach Gold');
    expect(rewardsView(jpy, program('JPY'), NOW, context('en-US')).rewards[0]?.description).toBe('¥500 off your order');
    expect(rewardsView(huf, program('HUF'), NOW, context('hu')).progress?.label).toBe('Spend 70\u00a0000\u00a0Ft more to reach Gold');
    expect(rewardsView(huf, program('HUF'), NOW, context('hu')).rewards[0]?.description).toBe('2500\u00a0Ft store credit');
    const euro = rewardsView(eur, program('EUR'), NOW, context('de-DE'));
    expect(euro.progress?.label).toBe('Spend 700,50\u00a0€ more to reach Gold');
    expect(euro.rewards[0]).toEqual(expect.objectContaining({ description: '5,50\u00a0€ off your order', minimumOrder: 'On orders from 50,00\u00a0€' }));
    // The words are English (no German dictionary yet); the numbers follow the locale.
    expect(euro.balance).toBe('600 points');
  });

  it('has nothing to list for a member with no rewards, no lots and no program', () => {
    const view = rewardsView(member({ balance: 0, rewards: [], expiring: [] }), undefined, NOW, context());

    expect(view.balance).toBe('0 points');
    expect(view.pending).toBeNull();
    expect(view.rewards).toEqual([]);
    expect(view.expiringSoon).toEqual([]);
    expect(view.earning).toBeNull();
  });

  it('signs activity points and names the entry kind', () => {
    const { format, messages } = context();
    const row = activityRow({ id: 'e1', type: 'redeem', points: -500, occurredAt: '2026-11-20T10:00:00.000Z', balanceAfter: 100 }, { format, messages });

    expect(row).toEqual({ id: 'e1', label: 'Reward', points: '−500 points', date: 'Nov 20, 2026', balanceAfter: '100 points' });
    expect(activityRow({ id: 'e2', type: 'earn', points: 1, occurredAt: '2026-11-21T10:00:00.000Z', balanceAfter: 101 }, { format, messages }).points).toBe('+1 point');
  });
});

describe('what a redemption tells the customer', () => {
  it('shows the code and its last day for a discount code', () => {
    const redemption: Redemption = { code: 'DEMO-7KQ2XH9PRA', rewardId: 'five-off', expiresAt: '2027-02-27T12:00:00.000Z', status: 'issued', balance: 100 };

    expect(redemptionNotice(redemption, context())).toEqual({
      tone: 'success',
      heading: 'Your discount code',
      code: 'DEMO-7KQ2XH9PRA',
      lines: ['Enter it at checkout by Feb 27, 2027.', 'New balance: 100 points'],
    });
  });

  it('says "store credit added" once Shopify has it, and "on its way" before', () => {
    const credit: Redemption = { rewardId: 'ten-credit', kind: 'store_credit', value: '10.00', currency: 'EUR', status: 'issued', balance: 200 };

    expect(redemptionNotice(credit, context('en-IE'))).toEqual(expect.objectContaining({ tone: 'success', heading: '€10.00 store credit added', code: null }));
    expect(redemptionNotice({ ...credit, status: 'pending' }, context('en-IE')).heading).toMatch(/^€10\.00 store credit is on its way/);
  });

  it('explains a refusal by its problem kind', () => {
    const { messages } = context();

    expect(redemptionFailure(new CustomerApiError(409, 'insufficient-points', 'no'), messages)).toBe('You no longer have enough points for this reward.');
    expect(redemptionFailure(new CustomerApiError(429, 'rate-limited', 'slow down'), messages)).toBe('Too many tries: please wait a minute.');
    expect(redemptionFailure(new CustomerApiError(0, 'network', 'offline'), messages)).toBe('We could not redeem this reward. Please try again.');
  });
});

describe('the order status block view', () => {
  it('says what the order earned, or what it will once the return window closes', () => {
    expect(orderPointsView({ orderId: '5001', points: 120, pending: false, earnedAt: '2026-11-01T10:00:00.000Z' }, context())).toEqual({ tone: 'success', text: 'This order earned 120 points.' });
    expect(orderPointsView({ orderId: '5001', points: 1, pending: true, earnedAt: null }, context())).toEqual({
      tone: 'info',
      text: 'This order earns 1 point, available after the return window.',
    });
  });

  it('shows a short line for an order that earned nothing, and no block when there is no record', () => {
    expect(orderPointsView({ orderId: '5001', points: 0, pending: false, earnedAt: null }, context())).toEqual({ tone: 'neutral', text: 'This order earned no points.' });
    expect(orderPointsView(null, context())).toBeNull();
  });

  it('formats the points in the customer locale', () => {
    expect(orderPointsView({ orderId: '5001', points: 12500, pending: false, earnedAt: null }, context('de-DE'))?.text).toBe('This order earned 12.500 points.');
  });
});
