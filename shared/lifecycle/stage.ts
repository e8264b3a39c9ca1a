/**
 * Lifecycle stages: each member's place (new, regular, loyal, fading, lost) from their own purchase
 * rhythm. Pure: the instant is an argument. Orders move a member up (by count); time alone moves
 * them to fading and lost, at instants known from the last order, so the `lifecycle` job finds them
 * by date in the due index instead of looking at every member.
 */
import type { LifecycleStage, Member } from '../ledger/types.ts';
import { lifecycleSettingsOf, type LifecycleDefaultsFrom, type LifecycleSettings } from './settings.ts';

export const STAGES: readonly LifecycleStage[] = ['new', 'regular', 'loyal', 'fading', 'lost'];
/** Stages of members who still buy on their rhythm. */
export const ACTIVE_STAGES: readonly LifecycleStage[] = ['new', 'regular', 'loyal'];

const DAY = 86_400_000;
/** A usual interval counts as at least a week: two orders on one day do not make a member fade tomorrow. */
export const MIN_INTERVAL_DAYS = 7;

/** What a stage is worked out from: the member's order history. */
export type OrderHistory = Pick<Member, 'orderCount' | 'firstOrderAt' | 'lastOrderAt'>;

/** The member's usual time between orders (ms, at least a week); undefined below two orders. */
export function usualInterval(member: OrderHistory): number | undefined {
  const { orderCount = 0, firstOrderAt, lastOrderAt } = member;
  if (orderCount < 2 || !firstOrderAt || !lastOrderAt) return undefined;
  return Math.max(MIN_INTERVAL_DAYS * DAY, (Date.parse(lastOrderAt) - Date.parse(firstOrderAt)) / (orderCount - 1));
}

/**
 * When the member becomes fading and when lost, counted from the last order: a repeat customer at
 * `fadingFactor` and `lostFactor` times their usual interval, a one-order customer after
 * `firstOrderFadingDays`; anyone is lost `lostDays` after their last order, whichever comes first.
 */
export function stageTimes(member: OrderHistory, settings: LifecycleSettings): { fadingAt: number; lostAt: number } | undefined {
  if (!member.orderCount || !member.lastOrderAt) return undefined;
  const last = Date.parse(member.lastOrderAt);
  const interval = usualInterval(member);
  const lostByDays = last + settings.lostDays * DAY;
  const lostAt = interval === undefined ? lostByDays : Math.min(lostByDays, last + settings.lostFactor * interval);
  const fading = interval === undefined ? last + settings.firstOrderFadingDays * DAY : last + settings.fadingFactor * interval;
  return { fadingAt: Math.min(fading, lostAt), lostAt };
}

/** The stage at instant `at`; undefined for a member without an order. */
export function stageOf(member: OrderHistory, settings: LifecycleSettings, at: string): LifecycleStage | undefined {
  const times = stageTimes(member, settings);
  if (!times) return undefined;
  const t = Date.parse(at);
  if (t >= times.lostAt) return 'lost';
  if (t >= times.fadingAt) return 'fading';
  const orders = member.orderCount ?? 0;
  return orders >= settings.loyalOrders ? 'loyal' : orders >= settings.regularOrders ? 'regular' : 'new';
}

/** The next instant after `at` at which time alone moves the stage; undefined once lost. */
export function nextStageChangeAt(member: OrderHistory, settings: LifecycleSettings, at: string): string | undefined {
  const times = stageTimes(member, settings);
  if (!times) return undefined;
  const t = Date.parse(at);
  const next = [times.fadingAt, times.lostAt].find((when) => when > t);
  return next === undefined ? undefined : new Date(next).toISOString();
}

type StageProgram = LifecycleDefaultsFrom & { lifecycle?: LifecycleSettings };

const later = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);
const TIME_STAGES: readonly LifecycleStage[] = ['fading', 'lost'];

/** The instants of the member's counted orders (paid, not cancelled) still kept, oldest first. */
function orderInstants(member: Member): string[] {
  return Object.values(member.spendByOrder ?? {})
    .filter((entry) => !entry.cancelled)
    .map((entry) => entry.at)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
}

/**
 * When the member entered `stage`, from their order history alone (so the same history gives the
 * same answer whatever order the events came in): fading and lost at their threshold; new,
 * regular and loyal at the order that reached the stage's count, or at the order that brought
 * them back after they had faded, whichever is later.
 */
export function stageSinceOf(member: Member, settings: LifecycleSettings, stage: LifecycleStage): string {
  const times = stageTimes(member, settings)!;
  if (stage === 'fading') return new Date(times.fadingAt).toISOString();
  if (stage === 'lost') return new Date(times.lostAt).toISOString();
  const first = member.firstOrderAt ?? member.lastOrderAt!;
  const kept = orderInstants(member);
  const count = member.orderCount ?? kept.length;
  // Orders older than the kept history (two tier windows) are counted but their instants are gone.
  const pruned = Math.max(0, count - kept.length);
  const nth = (n: number) => (n <= 1 ? first : (kept[n - 1 - pruned] ?? kept[0] ?? first));
  let since = nth(stage === 'loyal' ? settings.loyalOrders : stage === 'regular' ? settings.regularOrders : 1);
  for (let i = 1; i < kept.length; i++) {
    const before = stageTimes({ orderCount: pruned + i, firstOrderAt: first, lastOrderAt: kept[i - 1] }, settings);
    if (before && Date.parse(kept[i]!) >= before.fadingAt) since = later(since, kept[i])!;
  }
  return since;
}

/** The member set at `stage` (since when, from its history) and due at its next move after `at`. */
function staged(member: Member, settings: LifecycleSettings, stage: LifecycleStage | undefined, at: string): Member {
  const { stage: _was, stageSince: _since, stageDueAt: _due, ...rest } = member;
  if (!stage) return rest;
  const next = nextStageChangeAt(member, settings, at);
  return { ...rest, stage, stageSince: stageSinceOf(member, settings, stage), ...(next ? { stageDueAt: next } : {}) };
}

/**
 * The member's stage after their order history changed (an order paid or cancelled), as of their
 * last order; a member the job moved to fading or lost is taken as of that move if later (a late,
 * older order does not undo it). A member left without orders has no stage.
 */
export function withStage(member: Member, program: StageProgram): Member {
  const settings = lifecycleSettingsOf(program);
  if (!member.orderCount || !member.lastOrderAt) return staged(member, settings, undefined, '');
  const asOf = member.stage && TIME_STAGES.includes(member.stage) ? later(member.lastOrderAt, member.stageSince)! : member.lastOrderAt;
  return staged(member, settings, stageOf(member, settings, asOf), asOf);
}

/**
 * The member's next move with time, if due by `now`: the stage at their due instant (dated then,
 * not when the job ran), and the move after it. Null when nothing is due. A stage the program's
 * thresholds no longer give at that instant still moves the due date on, so the member leaves the
 * index entry it was found by.
 */
export function advanceStage(member: Member, program: StageProgram, now: Date): Member | null {
  const due = member.stageDueAt;
  if (!due || Date.parse(due) > now.getTime()) return null;
  const settings = lifecycleSettingsOf(program);
  return staged(member, settings, stageOf(member, settings, due), due);
}

/**
 * The member staged afresh as of `now` under the thresholds in force (after the store owner tuned
 * them, or staged for the first time): null when nothing changes. A move is dated when it would
 * have happened under these thresholds, like any other.
 */
export function restage(member: Member, program: StageProgram, now: Date): Member | null {
  if (!member.orderCount && !member.stage) return null;
  const settings = lifecycleSettingsOf(program);
  const at = now.toISOString();
  const next = staged(member, settings, stageOf(member, settings, at), at);
  return next.stage === member.stage && next.stageDueAt === member.stageDueAt && next.stageSince === member.stageSince ? null : next;
}
