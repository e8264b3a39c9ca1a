/**
 * `PUT /member/birthday` `{"month": 1-12, "day": 1-31}`, behind the door's proof (App Proxy
 * signature or customer account token): 200 with the birthday, when its points come
 * (`nextRewardOn`) and from when it may change again; 422 for a date that cannot be (problems list
 * the fields); 409 for a second change within a year. The same date again is a 200 that changes
 * nothing; a refused request stores nothing. The rules are in `birthdays/birthday.ts`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { birthdayPoints, birthdayView, InvalidBirthdayError, setBirthday } from '../birthdays/birthday.ts';
import { newMember } from '../earning/members.ts';
import { isPlainObject } from '../program/program-problems.ts';
import { retryOnConflict } from '../store/retry.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import type { MemberEnv } from './member-env.ts';
import { HttpProblem, problem } from './problems.ts';

export function birthdayRoutes(deps: ApiDeps) {
  return new Hono<MemberEnv>().put(
    '/member/birthday',
    bodyLimit({ maxSize: 1024, onError: (c) => problem(c, 413, 'payload-too-large', 'a birthday is {"month": 1-12, "day": 1-31}') }),
    async (c) => {
      const customerId = c.get('customerId');
      if (!customerId) throw new HttpProblem(401, 'not-a-member', 'sign in to the store to give your birthday');
      const { month, day } = birthdayOf(await jsonBody(c.req.raw));
      const shop = c.get('shop');
      const now = c.get('now');
      const birthday = await retryOnConflict(async () => {
        const member = (await deps.store.getMember(shop.shop, customerId)) ?? newMember(shop.shop, customerId, now.toISOString(), shop.program);
        const next = setBirthday(member.birthday, month, day, now);
        if (!next) return member.birthday!;
        return (await deps.store.saveMemberBirthday({ ...member, birthday: next })) ? next : 'conflict';
      });
      return c.json({ birthday: birthdayView(birthday), points: birthdayPoints(shop.program) });
    },
  );
}

/** The body's month and day, whole numbers; anything else is a 422 naming the fields. */
function birthdayOf(body: unknown): { month: number; day: number } {
  const fields = isPlainObject(body) ? body : {};
  const problems: { path: string; message: string }[] = (['month', 'day'] as const).flatMap((field) =>
    Number.isInteger(fields[field]) ? [] : [{ path: field, message: `${field} is a whole number (month 1 to 12, day 1 to 31)` }],
  );
  const extra = Object.keys(fields).filter((key) => key !== 'month' && key !== 'day');
  problems.push(...extra.slice(0, 5).map((key) => ({ path: key.slice(0, 40), message: 'a birthday has only month and day' })));
  if (problems.length) throw new InvalidBirthdayError(fields.month, fields.day, problems);
  return { month: fields.month as number, day: fields.day as number };
}
