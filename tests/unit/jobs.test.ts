import { describe, expect, it } from 'vitest';
import { withOrderStats, newMember } from '../../shared/earning/members.ts';
import { activatePending } from '../../shared/jobs/activate.ts';
import { settleExpired } from '../../shared/jobs/expire.ts';
import { flagFading } from '../../shared/jobs/winback.ts';
import type { Lot, Member } from '../../shared/ledger/types.ts';
import { defaultProgram } from '../../shared/program/program.ts';

const lot = (id: string, points: number, expiresAt: string, extra: Partial<Lot> = {}): Lot => ({ id, source: 'order', earnedAt: '2025-01-01T00:00:00.000Z', expiresAt, points, ...extra });
const memberWith = (balance: number, consumed: number): Member => ({ ...newMember('s', '1', '2025-01-01T00:00:00.000Z', defaultProgram), balance, consumed });

describe('expiry', () => {
  it('expires what is left of the due lots and hands their consumed points back to the count', () => {
    const lots = [lot('a', 100, '2026-01-01T00:00:00.000Z'), lot('b', 100, '2026-02-01T00:00:00.000Z'), lot('c', 100, '2026-03-01T00:00:00.000Z')];
    const change = settleExpired(memberWith(170, 130), lots, new Date('2026-02-15T00:00:00Z'))!;
    // a: spent whole; b: 30 of it spent, 70 expire; c: untouched.
    expect(change.lots.map((l) => [l.id, l.expired])).toEqual([
      ['a', 0],
      ['b', 70],
    ]);
    expect(change.member).toMatchObject({ balance: 100, consumed: 0 });
    expect(change.entries).toMatchObject([{ type: 'expire', points: -70, occurredAt: '2026-02-01T00:00:00.000Z', id: 'expire:b' }]);
  });

  it('does nothing before a lot’s date, and leaves pending and settled lots alone', () => {
    const lots = [lot('a', 100, '2026-01-01T00:00:00.000Z', { settledAt: '2026-01-02T00:00:00.000Z', expired: 100 }), lot('p', 50, '2025-12-01T00:00:00.000Z', { pendingUntil: '2026-06-01T00:00:00.000Z' })];
    expect(settleExpired(memberWith(0, 0), lots, new Date('2026-03-01T00:00:00Z'))).toBeNull();
    expect(settleExpired(memberWith(100, 0), [lot('a', 100, '2026-01-01T00:00:00.000Z')], new Date('2025-12-31T23:59:59Z'))).toBeNull();
  });

  it('takes nothing from a negative balance', () => {
    const change = settleExpired(memberWith(-20, 120), [lot('a', 100, '2026-01-01T00:00:00.000Z')], new Date('2026-02-01T00:00:00Z'))!;
    expect(change.member).toMatchObject({ balance: -20, consumed: 20 });
    expect(change.entries).toEqual([]);
  });
});

describe('pending points', () => {
  it('become spendable once their window is over', () => {
    const change = activatePending({ ...memberWith(10, 0), pending: 50 }, [lot('p', 50, '2027-01-01T00:00:00.000Z', { pendingUntil: '2026-01-15T00:00:00.000Z' })], new Date('2026-01-15T00:00:00Z'))!;
    expect(change.member).toMatchObject({ balance: 60, pending: 0 });
    expect(change.lots[0]?.pendingUntil).toBeUndefined();
  });
});

describe('fading loyalty', () => {
  it('dates the lapse at the last order plus twice the usual interval, from the second order on', () => {
    let member = withOrderStats(memberWith(0, 0), '2025-03-01T00:00:00.000Z', defaultProgram);
    expect(member.lapseAt).toBeUndefined();
    member = withOrderStats(member, '2025-01-01T00:00:00.000Z', defaultProgram);
    expect(member).toMatchObject({ orderCount: 2, firstOrderAt: '2025-01-01T00:00:00.000Z', lastOrderAt: '2025-03-01T00:00:00.000Z', lapseAt: '2025-06-27T00:00:00.000Z' });
  });

  it('flags once per lapse', () => {
    const member = { ...withOrderStats(withOrderStats(memberWith(0, 0), '2025-01-01T00:00:00.000Z', defaultProgram), '2025-01-11T00:00:00.000Z', defaultProgram) };
    expect(flagFading(member, undefined, new Date('2025-01-30T00:00:00Z'))).toBeNull();
    const flagged = flagFading(member, undefined, new Date('2025-02-01T00:00:00Z'))!;
    expect(flagged.member?.fading).toEqual({ flaggedAt: '2025-02-01T00:00:00.000Z', lastOrderAt: '2025-01-11T00:00:00.000Z' });
    expect(flagged.notifications).toBeUndefined();
    expect(flagFading(flagged.member!, undefined, new Date('2025-03-01T00:00:00Z'))).toBeNull();
  });
});
