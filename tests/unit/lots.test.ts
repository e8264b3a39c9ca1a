import { describe, expect, it } from 'vitest';
import { lotStandings } from '../../shared/ledger/lots.ts';
import type { Lot } from '../../shared/ledger/types.ts';

const lot = (id: string, points: number, expiresAt: string): Lot => ({ id, source: 'order', earnedAt: expiresAt, expiresAt, points });

describe('lots', () => {
  it('give up consumed points oldest expiry first, whatever order they are listed in', () => {
    const lots = [lot('c', 300, '2027-03-01'), lot('a', 100, '2027-01-01'), lot('b', 200, '2027-02-01')];
    expect(lotStandings(lots, 250).map((s) => [s.lot.id, s.remaining])).toEqual([
      ['a', 0],
      ['b', 50],
      ['c', 300],
    ]);
  });

  it('are all empty when more was consumed than they hold (a negative balance)', () => {
    expect(lotStandings([lot('a', 100, '2027-01-01')], 150).map((s) => s.remaining)).toEqual([0]);
  });

  it('are untouched when nothing was consumed', () => {
    expect(lotStandings([lot('a', 100, '2027-01-01')], 0).map((s) => s.remaining)).toEqual([100]);
  });
});
