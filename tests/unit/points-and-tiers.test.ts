import { describe, expect, it } from 'vitest';
import { pointsForSpend, proportionOf } from '../../shared/ledger/points.ts';
import { addSpend, spendBefore, spendInWindow } from '../../shared/ledger/spend.ts';
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

  it('count spend of the last 365 days only', () => {
    const spend = { '2025-01-01': 30000, '2025-06-01': 30000 };
    expect(spendInWindow(spend, '2025-12-31')).toBe(60000);
    expect(spendInWindow(spend, '2026-01-01')).toBe(30000);
    expect(spendInWindow(spend, '2024-12-31')).toBe(0);
  });

  it('rate an order by the spend of the days before it', () => {
    const spend = { '2025-06-01': 60000 };
    expect(spendBefore(spend, '2025-06-01')).toBe(0);
    expect(spendBefore(spend, '2025-06-02')).toBe(60000);
  });

  it('forget days no window can reach any more', () => {
    const spend = addSpend({ '2024-01-01': 100 }, '2025-06-01', 200);
    expect(spend).toEqual({ '2025-06-01': 200 });
    expect(addSpend(spend, '2025-06-01', -200)).toEqual({});
  });
});
