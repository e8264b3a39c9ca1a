import { describe, expect, it } from 'vitest';
import { newMember, withOrderStats, withoutOrderStats } from '../../shared/earning/members.ts';
import type { Member } from '../../shared/ledger/types.ts';
import { lifecycleFiguresOf } from '../../shared/kpis/lifecycle-figures.ts';
import { priorityRowsOf } from '../../shared/lifecycle/priority.ts';
import { lifecycleSettingsOf, type LifecycleSettings } from '../../shared/lifecycle/settings.ts';
import { advanceStage, nextStageChangeAt, restage, stageOf, withStage } from '../../shared/lifecycle/stage.ts';
import { winbackGrant } from '../../shared/lifecycle/winback-reward.ts';
import { eventsOf } from '../../shared/stream/events-of.ts';
import { flowTriggerPayload } from '../../shared/shopify/flow-triggers.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { InvalidProgramError, parseProgram, parseProgramSettings } from '../../shared/program/program.ts';

const program = parseProgram({});
const settings = lifecycleSettingsOf(program);
const DAY = 86_400_000;
const at = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * DAY).toISOString();

/** The member after an order on `day` (100.00), as the earning code writes it: stats, tier spend, stage. */
function ordered(member: Member, day: number, p = program): Member {
  const counted = withOrderStats(member, at(day), p);
  const spendByOrder = { ...counted.spendByOrder, [`o${Object.keys(counted.spendByOrder).length + 1}`]: { at: at(day), minor: 10_000, multiplier: 1 } };
  return withStage({ ...counted, spendByOrder }, p);
}

/** A member who ordered on each of these days (from 2026-01-01). */
function orderedOn(days: number[], p = program): Member {
  let member = newMember('shop.example', '1001', at(0), p);
  for (const day of days) member = ordered(member, day, p);
  return member;
}

describe('lifecycle stages', () => {
  it('defaults follow the program: fading at win-back factor, valuable from the second tier', () => {
    expect(settings).toEqual({ regularOrders: 2, loyalOrders: 4, fadingFactor: 2, lostFactor: 4, firstOrderFadingDays: 90, lostDays: 365, valuableSpend: 500 });
    expect(lifecycleSettingsOf(parseProgram({ winback: { factor: 3 } })).fadingFactor).toBe(3);
    expect(parseProgram({}).lifecycle).toBeUndefined();
  });

  it('orders move a member from new to regular to loyal, each dated by its order', () => {
    const first = orderedOn([0]);
    expect([first.stage, first.stageSince]).toEqual(['new', at(0)]);
    const second = ordered(first, 30);
    expect([second.stage, second.stageSince]).toEqual(['regular', at(30)]);
    const fourth = ordered(ordered(second, 60), 90);
    expect([fourth.stage, fourth.stageSince]).toEqual(['loyal', at(90)]);
  });

  it('a repeat customer fades past twice their usual interval and is lost past four times', () => {
    const member = orderedOn([0, 30, 60]); // every 30 days, last on day 60
    expect(stageOf(member, settings, at(119))).toBe('regular');
    expect(stageOf(member, settings, at(120))).toBe('fading');
    expect(stageOf(member, settings, at(180))).toBe('lost');
    expect(member.stageDueAt).toBe(at(120));
    expect(nextStageChangeAt(member, settings, at(120))).toBe(at(180));
    expect(nextStageChangeAt(member, settings, at(180))).toBeUndefined();
  });

  it('a one-order customer fades after 90 days, and anyone is lost a year after their last order', () => {
    const once = orderedOn([0]);
    expect(stageOf(once, settings, at(89))).toBe('new');
    expect(stageOf(once, settings, at(90))).toBe('fading');
    expect(stageOf(once, settings, at(365))).toBe('lost');
    const yearly = orderedOn([0, 300]); // twice an interval of 300 days is past the year: lost without fading
    expect(stageOf(yearly, settings, at(300 + 364))).toBe('regular');
    expect(stageOf(yearly, settings, at(300 + 365))).toBe('lost');
  });

  it('two orders on one day count as a week apart, not as a rhythm of zero', () => {
    const member = orderedOn([0, 0]);
    expect(stageOf(member, settings, at(13))).toBe('regular');
    expect(stageOf(member, settings, at(14))).toBe('fading');
  });

  it('time moves a member one step at a time, dated when each threshold passed', () => {
    const member = { ...orderedOn([0, 30, 60]), rev: 3 };
    expect(advanceStage(member, program, new Date(at(119)))).toBeNull();
    const fading = advanceStage(member, program, new Date(at(400)))!;
    expect([fading.stage, fading.stageSince, fading.stageDueAt]).toEqual(['fading', at(120), at(180)]);
    const lost = advanceStage(fading, program, new Date(at(400)))!;
    expect([lost.stage, lost.stageSince, lost.stageDueAt]).toEqual(['lost', at(180), undefined]);
    expect(advanceStage(lost, program, new Date(at(400)))).toBeNull();
  });

  it('an order brings a fading member back, and a cancelled last order takes the stage back', () => {
    const fading = advanceStage(orderedOn([0, 30, 60]), program, new Date(at(130)))!;
    const back = ordered(fading, 140);
    // Back after fading: loyal since the order that brought them back, not their fourth order.
    expect([back.stage, back.stageSince]).toEqual(['loyal', at(140)]);
    const two = orderedOn([0, 30]);
    const cancelled = withStage(withoutOrderStats({ ...two, spendByOrder: { ...two.spendByOrder, o2: { ...two.spendByOrder.o2!, cancelled: true as const } } }, at(30), program), program);
    expect([cancelled.stage, cancelled.stageSince]).toEqual(['new', at(0)]);
    const none = withStage(withoutOrderStats({ ...orderedOn([0]), spendByOrder: {} }, at(0), program), program);
    expect(none.stage).toBeUndefined();
    expect(none.stageDueAt).toBeUndefined();
  });

  it('a late, older order restages the member from their history as it now stands', () => {
    const fading = advanceStage(orderedOn([100]), program, new Date(at(200)))!; // fading since day 190
    expect(fading.stageSince).toBe(at(190));
    // An older order arrives late: the rhythm is now 50 days, so on day 190 the member was still regular.
    const late = ordered(fading, 50);
    expect([late.stage, late.stageSince, late.stageDueAt]).toEqual(['regular', at(100), at(200)]);
  });

  it('tuned thresholds restage a member as of now, and nothing when they change nothing', () => {
    const member = orderedOn([0, 30, 60]);
    expect(restage(member, program, new Date(at(70)))).toBeNull();
    const strict = parseProgram({ lifecycle: { ...settings, regularOrders: 4, loyalOrders: 6 } });
    expect(restage(member, strict, new Date(at(70)))?.stage).toBe('new');
  });

  it('the lifecycle section is validated with the program: bounds and the order of thresholds', () => {
    const body = { ...parseProgramSettingsInput(), lifecycle: { ...settings, loyalOrders: 2, lostFactor: 1.5, fadingFactor: 2, lostDays: 30, firstOrderFadingDays: 90 } };
    try {
      parseProgramSettings(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidProgramError);
      const paths = (error as InvalidProgramError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['lifecycle.loyalOrders', 'lifecycle.lostFactor', 'lifecycle.lostDays']));
    }
    expect(parseProgramSettings({ ...parseProgramSettingsInput(), lifecycle: settings }).lifecycle).toEqual(settings);
  });
});

/** The default program as a store owner would send it back whole. */
function parseProgramSettingsInput(): Record<string, unknown> {
  const { lifecycle: _none, ...whole } = parseProgram({});
  return whole;
}

describe('lifecycle figures and priority rows', () => {
  const member = { ...orderedOn([0, 30]), spendByOrder: { o1: { at: at(0), minor: 40_000, multiplier: 1 }, o2: { at: at(30), minor: 20_000, multiplier: 1 } } };

  it('a move counts in the pyramid and in the month it happened', () => {
    const before = orderedOn([0]);
    expect(lifecycleFiguresOf({ kind: 'member', shop: 's', before, after: member })).toEqual([
      ['gauge', { 'stage:new': -1, 'stage:regular': 1 }],
      ['lifecycle:2026-01', { 'new>regular': 1 }],
    ]);
    expect(lifecycleFiguresOf({ kind: 'member', shop: 's', before: member, after: { ...member, balance: 5 } })).toEqual([]);
    expect(lifecycleFiguresOf({ kind: 'member', shop: 's', after: before })).toEqual([['gauge', { 'stage:new': 1 }], ['lifecycle:2026-01', { 'none>new': 1 }]]);
  });

  it('a member is in the top list while buying, in the fading list when fading, by their yearly spend', () => {
    expect(priorityRowsOf('s', undefined, member)).toEqual([{ shop: 's', list: 'top', customerId: '1001', valueMinor: 60_000, entry: expect.objectContaining({ stage: 'regular', valueMinor: 60_000 }) }]);
    const fading = advanceStage(member, program, new Date(at(200)))!;
    expect(priorityRowsOf('s', member, fading)).toEqual([
      { shop: 's', list: 'top', customerId: '1001', valueMinor: 60_000 },
      { shop: 's', list: 'fading', customerId: '1001', valueMinor: 60_000, entry: expect.objectContaining({ stage: 'fading' }) },
    ]);
    expect(priorityRowsOf('s', member, { ...member, balance: 10 })).toEqual([]);
    const lost = advanceStage(fading, program, new Date(at(400)))!;
    expect(priorityRowsOf('s', fading, lost)).toEqual([{ shop: 's', list: 'fading', customerId: '1001', valueMinor: 60_000 }]);
  });

  it('a win-back reward goes to a fading member once per lapse', () => {
    const shop = { shop: 's', program, currency: 'USD' };
    const reward = program.rewards[0]!;
    expect(winbackGrant(shop, member, reward, 'CODE1', new Date(at(40)))).toEqual({ skipped: 'not-fading' });
    const fading = advanceStage(member, program, new Date(at(200)))!;
    const granted = winbackGrant(shop, fading, reward, 'CODE1', new Date(at(200)));
    if ('skipped' in granted) throw new Error('expected a grant');
    expect(granted.coupon).toMatchObject({ code: 'CODE1', source: 'winback', points: 0, customerId: '1001' });
    expect(winbackGrant(shop, granted.change.member!, reward, 'CODE2', new Date(at(201)))).toEqual({ skipped: 'already-granted' });
    expect(winbackGrant(shop, undefined, reward, 'CODE3', new Date(at(201)))).toEqual({ skipped: 'not-a-member' });
  });

  it('a valuable member who moves to fading starts the Flow trigger once, a less valuable one does not', () => {
    const shop = { ...newShop('s', new Date(at(0)), 'USD'), program };
    const fading = advanceStage({ ...member, rev: 4 }, program, new Date(at(200)))!;
    const events = eventsOf({ kind: 'member', shop: 's', before: member, after: fading }, shop).filter((e) => e.type === 'priority_fading');
    expect(events).toEqual([expect.objectContaining({ id: `priority_fading:shop.example:1001:since-${at(90)}`, occurredAt: at(90), data: { value: 600, currency: 'USD', orderCount: 2, lastOrderAt: at(30), usualIntervalDays: 30, previousStage: 'regular' } })]);
    expect(flowTriggerPayload(events[0]!)).toMatchObject({ customer_id: 1001, Value: 600, 'Previous stage': 'regular' });
    const lost = advanceStage(fading, program, new Date(at(400)))!;
    expect(eventsOf({ kind: 'member', shop: 's', before: fading, after: lost }, shop).filter((e) => e.type === 'priority_fading')).toEqual([]);
    const modest = { ...member, spendByOrder: { o1: { at: at(0), minor: 10_000, multiplier: 1 } } };
    expect(eventsOf({ kind: 'member', shop: 's', before: modest, after: advanceStage(modest, program, new Date(at(200)))! }, shop).filter((e) => e.type === 'priority_fading')).toEqual([]);
  });
});
