import { describe, expect, it } from 'vitest';
import { pointsForSpend } from '../../shared/ledger/points.ts';
import { toMinorUnits } from '../../shared/money/money.ts';
import { currencyScale, defaultProgramFor, programForCurrency } from '../../shared/program/currency-defaults.ts';
import { defaultProgram, parseProgram } from '../../shared/program/program.ts';
import { tierForSpend } from '../../shared/program/tiers.ts';

/** Points a paid order of `amount` (in whole units) earns for a Bronze member under the currency's default. */
const pointsFor = (amount: string, currency: string) => pointsForSpend(toMinorUnits(amount, currency), currency, defaultProgramFor(currency).earning.pointsPerUnit, 1);

describe('default programs in the shop’s currency', () => {
  it('keeps the contract’s default for dollars, euros, pounds and currencies it does not know', () => {
    for (const currency of ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'KWD', 'XYZ']) {
      expect(defaultProgramFor(currency)).toBe(defaultProgram);
    }
    expect(pointsFor('120.00', 'USD')).toBe(120);
  });

  it('counts yen in hundreds: 1 point per ¥100, Silver from ¥50,000, Gold from ¥150,000, ¥500 off', () => {
    const yen = defaultProgramFor('JPY');
    expect(currencyScale('JPY')).toBe(100);
    expect(yen.earning.pointsPerUnit).toBe(0.01);
    expect(yen.tiers.map((tier) => [tier.name, tier.minSpend, tier.multiplier])).toEqual([['Bronze', 0, 1], ['Silver', 50_000, 1.25], ['Gold', 150_000, 1.5]]);
    expect(yen.rewards[0]).toMatchObject({ id: 'five-off', name: '¥500 off your order', kind: 'fixed_amount', cost: 500, value: 500 });
    expect(yen.rewards.slice(1)).toEqual(defaultProgram.rewards.slice(1));
    expect(yen.signupBonus).toBe(100);
    // A typical ¥8,800 order earns 88 points, as a $60 order earns 60 (not 8,800).
    expect(pointsFor('8800', 'JPY')).toBe(88);
    expect(pointsForSpend(8800, 'JPY', yen.earning.pointsPerUnit, 1.5)).toBe(132);
    expect(tierForSpend(yen, 49_999, 'JPY').name).toBe('Bronze');
    expect(tierForSpend(yen, 50_000, 'JPY').name).toBe('Silver');
  });

  it('counts forints in five hundreds, with whole amounts in the reward’s name', () => {
    const forints = defaultProgramFor('HUF');
    expect(forints.tiers.map((tier) => tier.minSpend)).toEqual([0, 250_000, 750_000]);
    expect(forints.rewards[0]).toMatchObject({ value: 2500, cost: 500 });
    expect(forints.rewards[0]?.name).toMatch(/^HUF\s2,500 off your order$/);
    // A 15,000 Ft order (about 40 dollars) earns 30 points (Shopify writes "15000.00"; Intl counts forints whole).
    expect(pointsFor('15000.00', 'HUF')).toBe(30);
    expect(tierForSpend(forints, toMinorUnits('250000', 'HUF'), 'HUF').name).toBe('Silver');
  });

  it('makes every currency’s default a program that a store owner could save', () => {
    for (const currency of ['JPY', 'HUF', 'KRW', 'IDR', 'VND', 'LBP', 'INR', 'MXN', 'PLN', 'SEK', 'CLP', 'BGN', 'PKR', 'NGN', 'COP']) {
      const program = defaultProgramFor(currency);
      expect(parseProgram(program)).toEqual(program);
      // About a point per dollar's worth: a 100-dollar order earns between 20 and 500 points.
      const dollarsWorth = 100 * currencyScale(currency);
      const points = pointsForSpend(toMinorUnits(String(dollarsWorth), currency), currency, program.earning.pointsPerUnit, 1);
      expect(points, currency).toBe(100);
    }
  });

  it('replaces only the default the service gave: never a program the store owner saved', () => {
    expect(programForCurrency({ program: defaultProgram, programVersion: 1 }, 'JPY')).toEqual(defaultProgramFor('JPY'));
    const saved = parseProgram({ signupBonus: 50 });
    expect(programForCurrency({ program: saved, programVersion: 1 }, 'JPY')).toBe(saved);
    expect(programForCurrency({ program: defaultProgram, programVersion: 2 }, 'JPY')).toBe(defaultProgram);
    expect(programForCurrency({ program: defaultProgram, programVersion: 1 }, 'EUR')).toBe(defaultProgram);
  });
});
