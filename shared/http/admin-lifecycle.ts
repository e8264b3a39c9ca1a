/**
 * The store owner's lifecycle view (docs/lifecycle.md), behind the session token like the rest of
 * `/admin/*`:
 * - `GET /admin/lifecycle?months=12`: the pyramid (members per stage, now) and the moves between
 *   stages per month, from the figures the stream keeps;
 * - `GET /admin/priority?list=top|fading&limit=50[&format=csv]`: the priority list, highest value
 *   first, as JSON or as a CSV file to export;
 * - `POST /admin/priority/winback` `{"customerIds": [...], "rewardId": "..."}`: a win-back reward
 *   for each (fading or lost, once per lapse), created in Shopify by the coupon outbox.
 */
import { Hono } from 'hono';
import * as z from 'zod/mini';
import { FALLBACK_CURRENCY, newShop } from '../earning/shops.ts';
import { lifecycleBucket, moveCounter, stageGauge } from '../kpis/lifecycle-figures.ts';
import type { LifecycleStage, Member } from '../ledger/types.ts';
import { lifecycleSettingsOf } from '../lifecycle/settings.ts';
import { PRIORITY_LISTS, type PriorityEntry, type PriorityList } from '../lifecycle/priority.ts';
import { STAGES } from '../lifecycle/stage.ts';
import { winbackGrant, type WinbackSkip } from '../lifecycle/winback-reward.ts';
import { formatMinorUnits } from '../money/money.ts';
import { couponPrefix, randomCouponCode, randomCreditReference } from '../rewards/coupon-code.ts';
import { ProgramInactiveError } from '../rewards/errors.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import { HttpProblem } from './problems.ts';

type LifecycleEnv = { Variables: { user: SessionUser; now: Date } };

export const MAX_PRIORITY_ROWS = 200;
const customerId = z.string().check(z.regex(/^[1-9][0-9]{0,19}$/, 'a Shopify numeric customer id'));
const WinbackSchema = z.object({
  customerIds: z.array(customerId).check(z.minLength(1), z.maxLength(100)),
  rewardId: z.string().check(z.minLength(1), z.maxLength(60)),
});

function wholeParam(name: string, text: string | undefined, fallback: number, max: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new HttpProblem(400, 'invalid-request', `${name} is a whole number from 1 to ${max}`);
  return value;
}

/** The `count` UTC months up to the one of `now`, oldest first (`2026-01`). */
export function monthsUpTo(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) months.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  return months;
}

/** A CSV cell: quoted when needed; a leading `= + - @` is defused so a spreadsheet never runs it. */
function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface PriorityCustomer extends PriorityEntry {
  value: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  tier: string | null;
  balance: number | null;
  winbackRewardAt: string | null;
}

export function lifecycleRoutes(deps: ApiDeps) {
  const shopOf = async (domain: string, now: Date): Promise<Shop> => (await deps.store.getShop(domain)) ?? newShop(domain, now);

  return new Hono<LifecycleEnv>()
    .get('/lifecycle', async (c) => {
      const now = c.get('now');
      const months = monthsUpTo(now, wholeParam('months', c.req.query('months'), 12, 24));
      const shop = await shopOf(c.get('user').shop, now);
      const items = await deps.store.readStats(shop.shop, ['gauge', ...months.map(lifecycleBucket)]);
      const sums = new Map<string, Record<string, number>>();
      for (const item of items) {
        const into = sums.get(item.bucket) ?? sums.set(item.bucket, {}).get(item.bucket)!;
        for (const [name, value] of Object.entries(item.counters)) into[name] = (into[name] ?? 0) + value;
      }
      const gauge = sums.get('gauge') ?? {};
      const stages = Object.fromEntries(STAGES.map((stage) => [stage, Math.max(0, gauge[stageGauge(stage)] ?? 0)])) as Record<LifecycleStage, number>;
      const staged = Object.values(stages).reduce((a, b) => a + b, 0);
      const from = ['none', ...STAGES] as const;
      const moves = months.flatMap((month) => {
        const counters = sums.get(lifecycleBucket(month)) ?? {};
        return from.flatMap((a) => from.filter((b) => b !== a).map((b) => ({ month, from: a, to: b, count: counters[moveCounter(a, b)] ?? 0 }))).filter((move) => move.count > 0);
      });
      return c.json({ stages, members: gauge.members ?? 0, withoutOrder: Math.max(0, (gauge.members ?? 0) - staged), months, moves, settings: lifecycleSettingsOf(shop.program) });
    })
    .get('/priority', async (c) => {
      const now = c.get('now');
      const list = (c.req.query('list') ?? 'top') as PriorityList;
      if (!PRIORITY_LISTS.includes(list)) throw new HttpProblem(400, 'invalid-request', `list is one of ${PRIORITY_LISTS.join(', ')}`);
      const format = c.req.query('format') ?? 'json';
      if (format !== 'json' && format !== 'csv') throw new HttpProblem(400, 'invalid-request', 'format is json or csv');
      const limit = wholeParam('limit', c.req.query('limit'), format === 'csv' ? MAX_PRIORITY_ROWS : 50, MAX_PRIORITY_ROWS);
      const shop = await shopOf(c.get('user').shop, now);
      const currency = shop.currency ?? FALLBACK_CURRENCY;
      const rows = await deps.store.lifecycle.priorityList(shop.shop, list, limit);
      const members = new Map((await deps.store.lifecycle.membersById(shop.shop, rows.map((row) => row.customerId))).map((m): [string, Member] => [m.customerId, m]));
      const customers: PriorityCustomer[] = rows.map((row) => {
        const member = members.get(row.customerId);
        return {
          ...row,
          value: formatMinorUnits(row.valueMinor, currency),
          email: member?.contact.email ?? null,
          firstName: member?.contact.firstName ?? null,
          lastName: member?.contact.lastName ?? null,
          tier: member?.tier ?? null,
          balance: member?.balance ?? null,
          winbackRewardAt: member?.winbackReward && member.winbackReward.lastOrderAt === member.lastOrderAt ? member.winbackReward.at : null,
        };
      });
      if (format === 'json') return c.json({ list, currency, customers });
      const header = ['customer_id', 'email', 'first_name', 'last_name', 'stage', 'stage_since', 'value', 'currency', 'orders', 'last_order_at', 'tier', 'balance'];
      const lines = customers.map((row) => [row.customerId, row.email, row.firstName, row.lastName, row.stage, row.stageSince, row.value, currency, row.orderCount, row.lastOrderAt, row.tier, row.balance].map(csvCell).join(','));
      const day = now.toISOString().slice(0, 10);
      return c.body([header.join(','), ...lines].join('\r\n') + '\r\n', 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="priority-${list}-${day}.csv"`,
      });
    })
    .post('/priority/winback', async (c) => {
      const { shop: domain, userId } = c.get('user');
      const now = c.get('now');
      const parsed = WinbackSchema.safeParse(await jsonBody(c.req.raw));
      if (!parsed.success) {
        throw new HttpProblem(422, 'invalid-winback', 'the body must be {"customerIds": ["..."] (1 to 100 Shopify customer ids), "rewardId": "a reward of the program"}', {
          problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
        });
      }
      const shop = await shopOf(domain, now);
      const reward = shop.program.rewards.find((candidate) => candidate.id === parsed.data.rewardId);
      if (!reward) {
        throw new HttpProblem(422, 'invalid-winback', `the program has no reward ${JSON.stringify(parsed.data.rewardId.slice(0, 60))}`, {
          problems: [{ path: 'rewardId', message: `Choose one of the program's rewards: ${shop.program.rewards.map((r) => r.id).join(', ')}.` }],
        });
      }
      if (!shop.active) throw new ProgramInactiveError();
      const prefix = couponPrefix(domain, shop.program.coupons.prefix);
      const granted: { customerId: string; code: string; status: string; expiresAt: string | null }[] = [];
      const skipped: { customerId: string; reason: WinbackSkip }[] = [];
      // Each customer is one conditional write (the member as read, a new code): a repeat skips those already given one.
      for (const id of [...new Set(parsed.data.customerIds)]) {
        const outcome = await retryOnConflict(async () => {
          const member = await deps.store.getMember(domain, id);
          const code = reward.kind === 'store_credit' ? randomCreditReference() : randomCouponCode(prefix);
          const decided = winbackGrant(shop, member, reward, code, now);
          if ('skipped' in decided) return decided;
          return (await deps.store.commit({ shop: domain, change: decided.change, now })) === 'committed' ? decided : 'conflict';
        });
        if ('skipped' in outcome) skipped.push({ customerId: id, reason: outcome.skipped });
        else granted.push({ customerId: id, code: outcome.coupon.code, status: outcome.coupon.status, expiresAt: outcome.coupon.expiresAt ?? null });
      }
      deps.logger.info('win-back rewards granted', { shop: domain, userId, rewardId: reward.id, granted: granted.length, skipped: skipped.length });
      return c.json({ rewardId: reward.id, granted, skipped }, granted.length ? 201 : 200);
    });
}

