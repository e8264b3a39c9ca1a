/**
 * The `birthdays` job, daily: members whose birthday has come (the due index's `BIRTHDAY` entries,
 * never a scan) get the program's birthday points, drained shops in turn like the other jobs. Each
 * grant (the member, the lot `birthday:{year}`, its ledger entry) is written with the member's due
 * entry moved to next year's date, in one transaction expecting the member as read: a rerun, a
 * retry or an overlapping run finds the next date in the future and grants nothing twice. A shop
 * that is inactive or whose birthday points are 0 moves the date on without points.
 */
import { birthdayGrant, birthdayPoints } from '../birthdays/birthday.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { drain, type DrainOptions } from './drain.ts';
import { memberKeyOf } from './member-change.ts';

export interface BirthdaysRun {
  /** Members found due. */
  due: number;
  /** Members given birthday points. */
  granted: number;
  points: number;
  /** The budget ran out with birthdays still due: the next run goes on. */
  more: boolean;
}

export async function grantBirthdayPoints(store: LoyaltyStore, now: Date, options: DrainOptions = {}): Promise<BirthdaysRun> {
  const shops = new Map<string, Promise<Shop | undefined>>();
  const shopOf = (domain: string) => shops.get(domain) ?? shops.set(domain, store.getShop(domain)).get(domain)!;
  let granted = 0;
  let points = 0;
  const drained = await drain(
    {
      pages: (pageSize) => store.dueBirthdayPages({ before: now.toISOString(), pageSize }),
      shopOf: (due) => due.shop,
      keyOf: memberKeyOf,
      work: async ([due]) => {
        const shop = await shopOf(due!.shop);
        if (!shop) return;
        const given = await retryOnConflict(async () => {
          const member = await store.getMember(due!.shop, due!.customerId);
          // A birthday erased (customers/redact) leaves an entry behind: take it out of the index.
          if (member && !member.birthday) return (await store.saveMemberBirthday(member)) ? 0 : 'conflict';
          const change = member && birthdayGrant(member, shop.active ? birthdayPoints(shop.program) : 0, shop.program, now);
          if (!change?.member) return 0;
          return (await store.commitBirthdayGrant({ ...change, member: change.member })) ? change.entries.reduce((sum, entry) => sum + entry.points, 0) : 'conflict';
        });
        if (given > 0) [granted, points] = [granted + 1, points + given];
      },
    },
    options,
  );
  return { due: drained.items, granted, points, more: drained.more };
}
