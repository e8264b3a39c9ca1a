import { describe, expect, it } from 'vitest';
import { pointsForSpend, proportionOf } from '../../shared/ledger/points.ts';
import { boundedByNow, pruneSpend, ratingsChangedAfter, spendBefore, spendUpTo, type SpendByOrder } from '../../shared/ledger/spend.ts';
import { defaultProgram } from '../../shared/program/program.ts';
import { nextTierAfter, tierForSpend } from '../../shared/program/tiers.ts';

describe('points', () => {
  it('earns one point per unit of currency, rounded down', () => {
    expect(pointsForSpend(19900, 'USD', 1, 1)).toBe(199);
    expect(pointsForSpend(19999, 'USD', 1, 1)).toBe(199);
    expect(pointsForSpend(99, 'USD', 1, 1)).toBe(0);
  });

  it('applies the tier multiplier exactly, without float error', () => {
    expect(pointsForSpend(10000, 'USD', 1, 1.25)).toBe(125);
    expect(pointsForSpend(10100, 'USD', 1, 1.5)).toBe(151);
    expect(pointsForSpend(333, 'USD', 1, 1.5)).toBe(4);
    expect(pointsForSpend(1500, 'JPY', 1, 1.25)).toBe(1875);
  });

  it('takes a proportion rounded down, and the whole at or past the whole', () => {
    expect(proportionOf(199, 10000, 19900)).toBe(100);
    expect(proportionOf(199, 19900, 19900)).toBe(199);
    expect(proportionOf(199, 50000, 19900)).toBe(199);
    expect(proportionOf(0, 100, 100)).toBe(0);
  });
});

describe('tiers', () => {
  it('are reached at their threshold of eligible spend', () => {
    expect(tierForSpend(defaultProgram, 49999, 'USD').name).toBe('Bronze');
    expect(tierForSpend(defaultProgram, 50000, 'USD').name).toBe('Silver');
    expect(tierForSpend(defaultProgram, 150000, 'USD').name).toBe('Gold');
  });

  it('say what remains to reach the next one', () => {
    expect(nextTierAfter(defaultProgram, 19900, 'USD')).toMatchObject({ name: 'Silver', minSpend: '500.00', remaining: '301.00' });
    expect(nextTierAfter(defaultProgram, 150000, 'USD')).toBeNull();
  });

  const at = (day: string, minor: number, multiplier = 1) => ({ at: `${day}T12:00:00.000Z`, minor, multiplier });

  it('count spend of the last 365 days only', () => {
    const spend: SpendByOrder = { a: at('2025-01-01', 30000), b: at('2025-06-01', 30000) };
    expect(spendUpTo(spend, '2025-12-31T12:00:00.000Z')).toBe(60000);
    expect(spendUpTo(spend, '2026-01-01T12:00:00.000Z')).toBe(30000);
    expect(spendUpTo(spend, '2024-12-31T12:00:00.000Z')).toBe(0);
  });

  it('rate an order by the spend before its own instant, earlier orders of the same day included', () => {
    const spend: SpendByOrder = { morning: { at: '2025-06-01T09:00:00.000Z', minor: 60000, multiplier: 1 } };
    expect(spendBefore(spend, '2025-06-01T09:00:00.000Z')).toBe(0);
    expect(spendBefore(spend, '2025-06-01T09:00:00.001Z')).toBe(60000);
    expect(spendBefore(spend, '2025-06-01T18:00:00.000Z')).toBe(60000);
    expect(spendBefore(spend, '2025-06-01T18:00:00.000Z', 'morning')).toBe(0);
  });

  it('keep two windows of orders, so a late order can still be rated exactly', () => {
    const spend: SpendByOrder = { old: at('2023-01-01', 100), kept: at('2024-01-01', 200), now: at('2025-06-01', 300) };
    expect(Object.keys(pruneSpend(spend, '2025-06-01T12:00:00.000Z')).sort()).toEqual(['kept', 'now']);
  });

  it('find the later orders of the window whose rating a change moves, and only those', () => {
    const rate = (minor: number) => (minor >= 50000 ? 1.25 : 1);
    const spend: SpendByOrder = {
      before: at('2025-01-01', 10000),
      late: at('2025-03-01', 60000),
      rated: at('2025-04-01', 1000, 1),
      already: at('2025-05-01', 1000, 1.25),
      beyond: at('2026-03-02', 1000, 1),
    };
    expect(ratingsChangedAfter(spend, '2025-03-01T12:00:00.000Z', rate)).toEqual([{ orderId: 'rated', multiplier: 1.25 }]);
  });

  it('never let a far-future date move the tier window past a day from now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(boundedByNow('2099-01-01T00:00:00.000Z', now)).toBe('2026-01-02T00:00:00.000Z');
    expect(boundedByNow('2025-12-01T00:00:00.000Z', now)).toBe('2025-12-01T00:00:00.000Z');
  });
});
