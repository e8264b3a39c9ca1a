/**
 * The lifecycle figures, read off the change stream like the others: the pyramid (members per
 * stage, gauges `stage:{stage}`) and the moves between stages per UTC month (bucket
 * `lifecycle:YYYY-MM`, counters `{from}>{to}`; `none` for a member's first stage or a stage left
 * with every order cancelled). A move counts in the month it happened (the member's `stageSince`,
 * a business instant), not the month a job ran. Pure.
 */
import type { LifecycleStage, Member } from '../ledger/types.ts';
import { GAUGE, type FigureSource } from './stats-types.ts';

/** The bucket of a UTC month's moves between stages. */
export const lifecycleBucket = (month: string) => `lifecycle:${month}`;
export const stageGauge = (stage: LifecycleStage) => `stage:${stage}`;
export const moveCounter = (from: LifecycleStage | 'none', to: LifecycleStage | 'none') => `${from}>${to}`;

/** What one record adds, as `[bucket, {counter: by}]`: member changes only. */
export function lifecycleFiguresOf(source: FigureSource): [string, Record<string, number>][] {
  if (source.kind !== 'member' || !source.after) return [];
  return memberStageFigures(source.before, source.after);
}

function memberStageFigures(was: Member | undefined, after: Member): [string, Record<string, number>][] {
  const from = was?.stage;
  const to = after.stage;
  if (from === to) return [];
  const gauge: Record<string, number> = {};
  if (from) gauge[stageGauge(from)] = -1;
  if (to) gauge[stageGauge(to)] = 1;
  const at = to ? after.stageSince : (was?.stageSince ?? after.lastActiveAt);
  const figures: [string, Record<string, number>][] = [[GAUGE, gauge]];
  if (at) figures.push([lifecycleBucket(at.slice(0, 7)), { [moveCounter(from ?? 'none', to ?? 'none')]: 1 }]);
  return figures;
}
