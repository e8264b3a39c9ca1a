import { describe, expect, it } from 'vitest';
import { defaultProgram, InvalidProgramError, parseProgram } from '../../shared/program/program.ts';

describe('the program', () => {
  it('defaults to the contract’s default program', () => {
    expect(defaultProgram.earning.pointsPerUnit).toBe(1);
    expect(defaultProgram.signupBonus).toBe(100);
    expect(defaultProgram.tiers).toEqual([
      { name: 'Bronze', minSpend: 0, multiplier: 1 },
      { name: 'Silver', minSpend: 500, multiplier: 1.25 },
      { name: 'Gold', minSpend: 1500, multiplier: 1.5 },
    ]);
    expect(defaultProgram.expiry.days).toBe(365);
    expect(defaultProgram.reminders.daysBefore).toEqual([30, 7]);
    expect(defaultProgram.rewards.map((r) => [r.cost, r.kind, r.value])).toEqual([
      [500, 'fixed_amount', 5],
      [1000, 'percentage', 10],
      [300, 'free_shipping', undefined],
    ]);
    expect(defaultProgram.coupons.validityDays).toBe(90);
  });

  it('lists every problem of an invalid program with its field path', () => {
    const attempt = () =>
      parseProgram({
        signupBonus: -1,
        tiers: [
          { name: 'Bronze', minSpend: 10, multiplier: 1 },
          { name: 'Bronze', minSpend: 5, multiplier: 2 },
        ],
        rewards: [{ id: 'x', name: 'X', kind: 'percentage', cost: 10, value: 150 }],
      });
    expect(attempt).toThrow(InvalidProgramError);
    try {
      attempt();
    } catch (error) {
      const paths = (error as InvalidProgramError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['signupBonus']));
    }
  });

  it('checks the tiers and rewards together once the fields are valid', () => {
    try {
      parseProgram({
        tiers: [
          { name: 'Bronze', minSpend: 10, multiplier: 1 },
          { name: 'Bronze', minSpend: 5, multiplier: 2 },
        ],
        rewards: [{ id: 'x', name: 'X', kind: 'percentage', cost: 10, value: 150 }],
      });
      expect.unreachable();
    } catch (error) {
      const paths = (error as InvalidProgramError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['tiers.0.minSpend', 'tiers.1.minSpend', 'tiers.1.name', 'rewards.0.value']));
    }
  });
});
