/**
 * Priority customers: the members worth most, in two lists a store owner acts on. `top`: members
 * still on their rhythm (new, regular, loyal), highest value first. `fading`: fading members,
 * highest value first (the ones to win back). A member's value is their eligible spend in the year
 * up to their last order: what they were worth while they bought, which time alone does not change.
 *
 * The lists are kept as rows sorted by value, one per member in a list, written off the change
 * stream (with the figures): `priorityRowsOf` says what one member change does to them. Pure.
 */
import { spendUpTo } from '../ledger/spend.ts';
import type { LifecycleStage, Member } from '../ledger/types.ts';
import { ACTIVE_STAGES } from './stage.ts';

export const PRIORITY_LISTS = ['top', 'fading'] as const;
export type PriorityList = (typeof PRIORITY_LISTS)[number];

/** What a list row shows of its member (no contact data: that is read from the member when shown). */
export interface PriorityEntry {
  customerId: string;
  valueMinor: number;
  stage: LifecycleStage;
  stageSince: string;
  orderCount: number;
  lastOrderAt: string;
}

/** One row of a list written (`entry`) or taken out (no `entry`); a row is keyed by list, value and customer. */
export interface PriorityRowChange {
  shop: string;
  list: PriorityList;
  customerId: string;
  valueMinor: number;
  entry?: PriorityEntry;
}

/** The member's value: eligible spend (minor units) of the 365 days up to their last order. */
export function memberValue(member: Member): number {
  return member.lastOrderAt ? spendUpTo(member.spendByOrder ?? {}, member.lastOrderAt) : 0;
}

/** The list a member belongs in, and its row; none without a stage or any value. */
export function priorityRowOf(member: Member | undefined): { list: PriorityList; entry: PriorityEntry } | undefined {
  if (!member?.stage || !member.stageSince || !member.lastOrderAt) return undefined;
  const list: PriorityList | undefined = ACTIVE_STAGES.includes(member.stage) ? 'top' : member.stage === 'fading' ? 'fading' : undefined;
  const valueMinor = memberValue(member);
  if (!list || valueMinor <= 0) return undefined;
  return { list, entry: { customerId: member.customerId, valueMinor, stage: member.stage, stageSince: member.stageSince, orderCount: member.orderCount ?? 0, lastOrderAt: member.lastOrderAt } };
}

const same = (a: PriorityEntry, b: PriorityEntry) =>
  a.valueMinor === b.valueMinor && a.stage === b.stage && a.stageSince === b.stageSince && a.orderCount === b.orderCount && a.lastOrderAt === b.lastOrderAt;

/** What one change of a member does to the lists: its old row out, its new row in (nothing when neither moved). */
export function priorityRowsOf(shop: string, before: Member | undefined, after: Member | undefined): PriorityRowChange[] {
  const was = priorityRowOf(before);
  const now = priorityRowOf(after);
  if (was && now && was.list === now.list && same(was.entry, now.entry)) return [];
  const changes: PriorityRowChange[] = [];
  if (was && !(now && now.list === was.list && now.entry.valueMinor === was.entry.valueMinor)) {
    changes.push({ shop, list: was.list, customerId: was.entry.customerId, valueMinor: was.entry.valueMinor });
  }
  if (now) changes.push({ shop, list: now.list, customerId: now.entry.customerId, valueMinor: now.entry.valueMinor, entry: now.entry });
  return changes;
}
