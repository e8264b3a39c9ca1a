/**
 * "Priority customer fading": a member moves to fading (from new, regular or loyal) while their
 * value, the eligible spend of the year up to their last order, is at least the program's
 * `lifecycle.valuableSpend`. The outbound event (Flow trigger, EventBridge) carries this. Pure.
 */
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import type { Member } from '../ledger/types.ts';
import { formatMinorUnits, toMinorUnits } from '../money/money.ts';
import type { Program } from '../program/program.ts';
import { memberValue } from './priority.ts';
import { lifecycleSettingsOf } from './settings.ts';
import { usualInterval } from './stage.ts';

const DAY = 86_400_000;

export function priorityFadingData(before: Member | undefined, after: Member, shop: { program: Program; currency?: string }): Record<string, string | number> | undefined {
  if (after.stage !== 'fading' || !before?.stage || before.stage === 'fading' || before.stage === 'lost' || !after.stageSince || !after.lastOrderAt) return undefined;
  const currency = shop.currency ?? FALLBACK_CURRENCY;
  const valueMinor = memberValue(after);
  if (valueMinor <= 0 || valueMinor < toMinorUnits(lifecycleSettingsOf(shop.program).valuableSpend, currency)) return undefined;
  const interval = usualInterval(after);
  return {
    value: Number(formatMinorUnits(valueMinor, currency)),
    currency,
    orderCount: after.orderCount ?? 0,
    lastOrderAt: after.lastOrderAt,
    usualIntervalDays: interval === undefined ? 0 : Math.round(interval / DAY),
    previousStage: before.stage,
  };
}
