/** The birthday guard: when the first points come, February 29, once a year, and the change rule. */
import { describe, expect, it } from 'vitest';
import { BirthdayChangeTooSoonError, birthdayGrant, firstRewardOn, InvalidBirthdayError, isValidBirthday, occurrenceIn, setBirthday } from '../../shared/birthdays/birthday.ts';
import { newMember } from '../../shared/earning/members.ts';
import { parseProgram } from '../../shared/program/program.ts';

const day = (iso: string) => iso.slice(0, 10);
const program = parseProgram({});

describe('when a birthday first brings points', () => {
  it('grants this year when the birthday is more than 30 days away', () => {
    expect(day(firstRewardOn(7, 2, new Date('2026-06-01T12:00:00Z')).toISOString())).toBe('2026-07-02');
  });

  it('waits a year when the birthday is 30 days away or less', () => {
    expect(day(firstRewardOn(7, 1, new Date('2026-06-01T12:00:00Z')).toISOString())).toBe('2027-07-01');
    expect(day(firstRewardOn(6, 2, new Date('2026-06-01T23:59:00Z')).toISOString())).toBe('2027-06-02');
  });

  it('waits a year when the birthday is today', () => {
    expect(day(firstRewardOn(6, 1, new Date('2026-06-01T08:00:00Z')).toISOString())).toBe('2027-06-01');
  });

  it('takes next year when this year’s birthday has passed, and the year after when that is within 30 days', () => {
    expect(day(firstRewardOn(3, 1, new Date('2026-06-01T12:00:00Z')).toISOString())).toBe('2027-03-01');
    expect(day(firstRewardOn(1, 5, new Date('2026-12-20T12:00:00Z')).toISOString())).toBe('2028-01-05');
  });

  it('never comes in a year already rewarded', () => {
    expect(day(firstRewardOn(9, 1, new Date('2026-06-01T12:00:00Z'), 2026).toISOString())).toBe('2027-09-01');
  });
});

describe('February 29', () => {
  it('is a valid birthday, February 30 and month 13 are not', () => {
    expect(isValidBirthday(2, 29)).toBe(true);
    expect(isValidBirthday(2, 30)).toBe(false);
    expect(isValidBirthday(4, 31)).toBe(false);
    expect(isValidBirthday(13, 1)).toBe(false);
    expect(isValidBirthday(0, 1)).toBe(false);
    expect(isValidBirthday(1.5, 1)).toBe(false);
  });

  it('falls on February 28 in a year without a 29th, on the 29th in a leap year', () => {
    expect(day(occurrenceIn(2, 29, 2027).toISOString())).toBe('2027-02-28');
    expect(day(occurrenceIn(2, 29, 2028).toISOString())).toBe('2028-02-29');
  });
});

describe('setting and changing a birthday', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('stores the first birthday given, with when its points come', () => {
    expect(setBirthday(undefined, 9, 15, now)).toEqual({ month: 9, day: 15, setAt: now.toISOString(), nextRewardAt: '2026-09-15T00:00:00.000Z' });
  });

  it('refuses an impossible date', () => {
    expect(() => setBirthday(undefined, 2, 30, now)).toThrow(InvalidBirthdayError);
    expect(() => setBirthday(undefined, 13, 1, now)).toThrow(InvalidBirthdayError);
  });

  it('changes nothing when the same date is sent again, even within the year', () => {
    const first = setBirthday(undefined, 9, 15, now)!;
    expect(setBirthday(first, 9, 15, new Date('2026-06-02T00:00:00Z'))).toBeNull();
  });

  it('refuses a second change within 365 days, and says from when it is possible', () => {
    const first = setBirthday(undefined, 9, 15, now)!;
    const attempt = () => setBirthday(first, 10, 1, new Date('2027-05-31T12:00:00Z'));
    expect(attempt).toThrow(BirthdayChangeTooSoonError);
    expect(attempt).toThrow(/2027-06-01/);
  });

  it('allows a change a year after the last, under the same 30-day rule and never twice in a rewarded year', () => {
    const first = { ...setBirthday(undefined, 9, 15, now)!, lastRewardYear: 2026, nextRewardAt: '2027-09-15T00:00:00.000Z' };
    const changed = setBirthday(first, 12, 1, new Date('2027-06-01T12:00:00Z'))!;
    expect(changed).toMatchObject({ month: 12, day: 1, nextRewardAt: '2027-12-01T00:00:00.000Z', lastRewardYear: 2026 });
    const soon = setBirthday(first, 6, 20, new Date('2027-06-01T12:00:00Z'))!;
    expect(soon.nextRewardAt).toBe('2028-06-20T00:00:00.000Z');
  });
});

describe('granting birthday points', () => {
  const member = { ...newMember('shop', '1', '2026-01-01T00:00:00Z', program), birthday: { month: 9, day: 15, setAt: '2026-06-01T12:00:00Z', nextRewardAt: '2026-09-15T00:00:00.000Z' }, rev: 3 };

  it('grants nothing before the day', () => {
    expect(birthdayGrant(member, 200, program, new Date('2026-09-14T23:59:59Z'))).toBeNull();
  });

  it('grants the points on the day, dated at the birthday, and moves the next date a year on', () => {
    const change = birthdayGrant(member, 200, program, new Date('2026-09-15T00:05:00Z'))!;
    expect(change.member).toMatchObject({ balance: 200, birthday: { nextRewardAt: '2027-09-15T00:00:00.000Z', lastRewardYear: 2026 } });
    expect(change.lots).toEqual([{ id: 'birthday:2026', source: 'birthday', earnedAt: '2026-09-15T00:00:00.000Z', expiresAt: '2027-09-15T00:00:00.000Z', points: 200 }]);
    expect(change.entries[0]).toMatchObject({ id: 'birthday:2026', type: 'bonus', points: 200, reason: 'birthday', balanceAfter: 200 });
  });

  it('grants once: the granted member has nothing due again that year', () => {
    const once = birthdayGrant(member, 200, program, new Date('2026-09-15T00:05:00Z'))!.member!;
    expect(birthdayGrant(once, 200, program, new Date('2026-12-31T00:00:00Z'))).toBeNull();
  });

  it('grants one year only after missed years, the latest', () => {
    const change = birthdayGrant(member, 200, program, new Date('2028-10-01T00:00:00Z'))!;
    expect(change.entries.map((entry) => entry.id)).toEqual(['birthday:2028']);
    expect(change.member!.birthday!.nextRewardAt).toBe('2029-09-15T00:00:00.000Z');
  });

  it('moves the date on without points when birthday points are off', () => {
    const change = birthdayGrant(member, 0, program, new Date('2026-09-15T00:05:00Z'))!;
    expect(change.entries).toEqual([]);
    expect(change.member).toMatchObject({ balance: 0, birthday: { nextRewardAt: '2027-09-15T00:00:00.000Z' } });
  });
});
