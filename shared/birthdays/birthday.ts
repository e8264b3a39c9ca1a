/**
 * Birthdays: a member gives a month and day, and gets the program's birthday points once a year
 * on that day. The rules, all pure (the clock is `now`), in UTC days:
 *
 * - A birthday set within `BIRTHDAY_NOTICE_DAYS` (30) days of its next occurrence waits a year:
 *   setting it to tomorrow does not bring points tomorrow, the first are the occurrence after.
 * - February 29 is a valid birthday; in a year without one its points come on February 28.
 * - The first birthday given is free; a change waits `BIRTHDAY_CHANGE_DAYS` (365) from the last
 *   set, and the same date sent again changes nothing.
 * - Points are granted once per year at most, whatever the changes (`lastRewardYear`).
 */
import { addDays, DAY_MS } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import { credit } from '../earning/members.ts';
import type { LedgerEntry, Lot, Member, MemberBirthday } from '../ledger/types.ts';
import type { Program } from '../program/program.ts';

export const DEFAULT_BIRTHDAY_POINTS = 200;
/** A birthday this close (or closer) to its next occurrence waits a year. */
export const BIRTHDAY_NOTICE_DAYS = 30;
/** Days after setting a birthday before it may be changed. */
export const BIRTHDAY_CHANGE_DAYS = 365;

export const birthdayPoints = (program: Program): number => program.birthday?.points ?? DEFAULT_BIRTHDAY_POINTS;

/** Whether month and day name a day of the calendar (February 29 included). */
export function isValidBirthday(month: number, day: number): boolean {
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) return false;
  // 2000 was a leap year: February has its 29th.
  return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate();
}

/** The UTC midnight of the birthday in `year`: February 29 is February 28 in a year without one. */
export function occurrenceIn(month: number, day: number, year: number): Date {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return new Date(Date.UTC(year, month - 1, Math.min(day, last)));
}

const utcMidnight = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/**
 * When a birthday set at `now` first brings points: its next occurrence (today included) unless
 * that is `BIRTHDAY_NOTICE_DAYS` days away or less, then the one after; never in a year already
 * rewarded.
 */
export function firstRewardOn(month: number, day: number, now: Date, lastRewardYear?: number): Date {
  const today = utcMidnight(now);
  let year = today.getUTCFullYear();
  if (occurrenceIn(month, day, year) < today) year++;
  if ((occurrenceIn(month, day, year).getTime() - today.getTime()) / DAY_MS <= BIRTHDAY_NOTICE_DAYS) year++;
  if (lastRewardYear !== undefined && year <= lastRewardYear) year = lastRewardYear + 1;
  return occurrenceIn(month, day, year);
}

/** A birthday that cannot be: month 1 to 12, a day that month has. */
export class InvalidBirthdayError extends Error {
  readonly type = 'invalid-birthday';
  constructor(
    readonly month: unknown,
    readonly day: unknown,
    /** Each field at fault; by default the day (the month and day together do not make a date). */
    readonly problems: { path: string; message: string }[] = [{ path: 'day', message: 'the month has no such day (February 29 is allowed)' }],
  ) {
    super('a birthday is a month (1 to 12) and a day that month has (February 29 is allowed)');
    this.name = 'InvalidBirthdayError';
  }
}

/** A second change within a year of the last: nothing is stored. */
export class BirthdayChangeTooSoonError extends Error {
  readonly type = 'birthday-change-too-soon';
  constructor(readonly changeableFrom: string) {
    super(`a birthday can be changed once a year: the next change is possible from ${changeableFrom.slice(0, 10)}`);
    this.name = 'BirthdayChangeTooSoonError';
  }
}

/**
 * The member's birthday as the customer sets it at `now`: `null` when it is the one stored
 * (nothing to write). Throws `InvalidBirthdayError` or `BirthdayChangeTooSoonError`.
 */
export function setBirthday(current: MemberBirthday | undefined, month: number, day: number, now: Date): MemberBirthday | null {
  if (!isValidBirthday(month, day)) {
    const monthOk = Number.isInteger(month) && month >= 1 && month <= 12;
    throw new InvalidBirthdayError(month, day, monthOk ? undefined : [{ path: 'month', message: 'the month is 1 to 12' }]);
  }
  if (current && current.month === month && current.day === day) return null;
  if (current) {
    const changeableFrom = addDays(current.setAt, BIRTHDAY_CHANGE_DAYS);
    if (now < changeableFrom) throw new BirthdayChangeTooSoonError(changeableFrom.toISOString());
  }
  const nextRewardAt = firstRewardOn(month, day, now, current?.lastRewardYear).toISOString();
  return { month, day, setAt: now.toISOString(), nextRewardAt, ...(current?.lastRewardYear !== undefined ? { lastRewardYear: current.lastRewardYear } : {}) };
}

/** The lot and ledger entry id of a year's birthday points: one per member and year. */
export const birthdayLotId = (year: number) => `birthday:${year}`;

/**
 * The birthday points due by `now`, if any: for the latest occurrence that has come (a job that
 * missed a year does not grant two), dated at it, expiring with the program's expiry. The next
 * date moves to the year after, granted or not (points 0: the program's birthdays are off, or
 * the shop is inactive). `null` when nothing is due.
 */
export function birthdayGrant(member: Member, points: number, program: Program, now: Date): Change | null {
  const birthday = member.birthday;
  if (!birthday || birthday.nextRewardAt > now.toISOString()) return null;
  let year = Number(birthday.nextRewardAt.slice(0, 4));
  while (occurrenceIn(birthday.month, birthday.day, year + 1) <= now) year++;
  const at = occurrenceIn(birthday.month, birthday.day, year).toISOString();
  const nextRewardAt = occurrenceIn(birthday.month, birthday.day, year + 1).toISOString();
  const granted = points > 0 && (birthday.lastRewardYear === undefined || birthday.lastRewardYear < year);
  const moved: Member = { ...member, birthday: { ...birthday, nextRewardAt, ...(granted ? { lastRewardYear: year } : {}) } };
  if (!granted) return { member: moved, lots: [], entries: [] };
  const lot: Lot = { id: birthdayLotId(year), source: 'birthday', earnedAt: at, expiresAt: addDays(at, program.expiry.days).toISOString(), points };
  const next = credit(moved, lot);
  const entry: LedgerEntry = { id: birthdayLotId(year), type: 'bonus', points, occurredAt: at, recordedAt: now.toISOString(), balanceAfter: next.balance, reason: 'birthday' };
  return { member: next, lots: [lot], entries: [entry] };
}

/** What the storefront shows of a birthday. */
export function birthdayView(birthday: MemberBirthday) {
  return {
    month: birthday.month,
    day: birthday.day,
    nextRewardOn: birthday.nextRewardAt.slice(0, 10),
    changeableFrom: addDays(birthday.setAt, BIRTHDAY_CHANGE_DAYS).toISOString().slice(0, 10),
  };
}
