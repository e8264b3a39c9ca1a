/**
 * Order independence (fast-check): the same history delivered in order to one shop, and shuffled
 * with duplicates to another, ends in the same state. The program has a single tier, because an
 * order's multiplier comes from the spend known when it is processed (README, "Limits and known
 * gaps"); the last test here shows that limit as it stands. Redemptions, adjustments and expiry
 * depend on the clock, so both shops get them at the end, at the same times.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../shared/ledger/types.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { testService } from '../support/http.ts';
import {
  act,
  actionArb,
  admin,
  dayAt,
  deliver,
  deliveriesArb,
  eligibleCents,
  inTimeOrder,
  memberState,
  nextShop,
  ordersOf,
  refundedEligibleCents,
  runs,
  timeLimit,
  setProgram,
  TREAT,
  webhooks,
  withShrinkBudget,
  worldArb,
  type MemberState,
  type Service,
  type World,
} from './history.ts';

const SIGNUP_BONUS = 25;
/** One tier for everyone, at 1.5 points per unit: orders are rated alike whatever arrives first. */
const ONE_TIER = { signupBonus: SIGNUP_BONUS, tiers: [{ name: 'Member', minSpend: 0, multiplier: 1.5 }], rewards: [TREAT] };
/** Tiers low enough for random histories to cross them, so late orders re-rate later ones. */
const THREE_TIERS = {
  signupBonus: SIGNUP_BONUS,
  tiers: [
    { name: 'Bronze', minSpend: 0, multiplier: 1 },
    { name: 'Silver', minSpend: 150, multiplier: 1.25 },
    { name: 'Gold', minSpend: 400, multiplier: 1.5 },
  ],
  rewards: [TREAT],
};

let service: Service;
beforeAll(async () => {
  service = await testService(dayAt(125));
});

const historyArb = worldArb({ maxCents: 40_000 }).chain((world) =>
  fc.record({
    world: fc.constant(world),
    deliveries: deliveriesArb(webhooks(world).length),
    actions: fc.array(actionArb(world.customers.length, { min: 125, max: 560 }), { maxLength: 5 }),
  }),
);

/** A member's stored state without what names the shop or counts writes. */
function comparable(state: MemberState) {
  const { shop: _shop, rev: _rev, ...member } = state.member ?? ({ shop: '', rev: 0 } as never);
  // Adjustment lots are named by a random id: name them by their time instead.
  const lotName = (lot: { id: string; source: string; earnedAt: string }) => (lot.source === 'adjust' ? `adjust@${lot.earnedAt}` : lot.id);
  const lots = state.lots
    .map((lot) => ({ name: lotName(lot), points: lot.points, earnedAt: lot.earnedAt, expiresAt: lot.expiresAt, settledAt: lot.settledAt ?? null, expired: lot.expired ?? 0 }))
    .sort((a, b) => a.name.localeCompare(b.name));
  // An order's points are compared net, per order: a refund that arrives before its payment is
  // reversed together with the payment, in one entry, where in-order delivery writes one per
  // refund; and an order re-rated by a late, earlier order gets its difference in a `rerate` entry.
  const netByOrder: Record<string, number> = {};
  const entries: string[] = [];
  for (const entry of state.ledger as LedgerEntry[]) {
    if (entry.orderId && ['earn', 'reverse', 'rerate'].includes(entry.type)) netByOrder[entry.orderId] = (netByOrder[entry.orderId] ?? 0) + entry.points;
    else entries.push(`${entry.type} ${entry.points} at ${entry.occurredAt}${entry.orderId ? ` order ${entry.orderId}` : ''}`);
  }
  return { member: state.member ? member : null, lots, entries: entries.sort(), netByOrder };
}

async function shopState(shop: string, world: World) {
  const members: Record<string, ReturnType<typeof comparable>> = {};
  for (const customer of world.customers) members[customer.id] = comparable(await memberState(service, shop, String(customer.id)));
  // Guest orders earn nothing; what is kept of them (a refund seen before a cancellation) is not compared.
  const guests = new Set(world.orders.filter((o) => o.customer === null).map((o) => String(o.id)));
  const orders = (await ordersOf(service, shop, world))
    .filter((order) => !guests.has(order.orderId))
    .map(({ shop: _s, rev: _r, ...order }) => order)
    .sort((a, b) => a.orderId.localeCompare(b.orderId));
  return { members, orders };
}

async function kpis(shop: string) {
  const at = dayAt(600);
  service.setNow(at);
  const years = [
    ['2025-01-01', '2025-12-31'],
    ['2026-01-01', '2026-08-31'],
  ];
  const figures = [];
  for (const [from, to] of years) figures.push(await (await admin(service, shop, at, `/kpis?from=${from}&to=${to}`, { method: 'GET' })).json());
  return figures;
}

/** What in-order delivery must give, worked out from the facts alone. */
function expectedBalances(world: World): Record<string, number> {
  const balances: Record<string, number> = {};
  world.customers.forEach((customer, index) => {
    let balance = customer.signup ? SIGNUP_BONUS : 0;
    for (const order of world.orders.filter((o) => o.customer === index && o.paid)) {
      const eligible = eligibleCents(order);
      const earned = Math.floor((eligible * 3) / 200); // 1 point per unit, times 1.5, rounded down
      const reversed = order.cancelDay !== undefined ? earned : eligible === 0 ? 0 : Math.floor((earned * Math.min(eligible, refundedEligibleCents(order))) / eligible);
      balance += earned - reversed;
    }
    balances[customer.id] = balance;
  });
  return balances;
}

describe('delivery order', () => {
  it('ends in the same state whatever the order and duplicates of delivery', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        withShrinkBudget(40, async ({ world, deliveries, actions }) => {
          const [inOrder, shuffled] = [nextShop('in-order'), nextShop('shuffled')];
          await setProgram(service, inOrder, ONE_TIER, dayAt(125));
          await setProgram(service, shuffled, ONE_TIER, dayAt(125));
          const events = webhooks(world);
          for (const event of events) expect((await deliver(service, inOrder, event, 'first')).status).toBe(200);
          for (const { event, copy } of deliveries) expect((await deliver(service, shuffled, events[event]!, copy)).status).toBe(200);

          const balances = Object.fromEntries(
            await Promise.all(world.customers.map(async (c) => [c.id, (await memberState(service, inOrder, String(c.id))).member?.balance ?? 0] as const)),
          );
          expect(balances).toEqual(expectedBalances(world));
          expect(await shopState(shuffled, world)).toEqual(await shopState(inOrder, world));

          for (const [minute, action] of inTimeOrder(actions).entries()) {
            const statuses = [await act(service, inOrder, world, action, minute), await act(service, shuffled, world, action, minute)];
            expect(statuses[1]).toBe(statuses[0]);
          }
          expect(await shopState(shuffled, world)).toEqual(await shopState(inOrder, world));
          expect(await kpis(shuffled)).toEqual(await kpis(inOrder));
        }),
      ),
      {
        numRuns: runs(10),
        // Always tried first: a cancellation delivered before the payment it cancels.
        examples: [
          [
            {
              world: { customers: [{ id: 1001, createdDay: 0, signup: false }], orders: [{ id: 5001, customer: 0, cents: 3_000, taxesIncluded: false, taxCents: 0, day: 10, paid: true, refunds: [], cancelDay: 12 }] },
              deliveries: [{ event: 1, copy: 'first' }, { event: 0, copy: 'first' }],
              actions: [],
            },
          ],
        ],
      },
    );
  }, timeLimit(240_000));

  it('ends in the same state whatever the order of delivery when orders cross tiers and re-rate each other', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        withShrinkBudget(40, async ({ world, deliveries }) => {
          const [inOrder, shuffled] = [nextShop('tiers-in-order'), nextShop('tiers-shuffled')];
          await setProgram(service, inOrder, THREE_TIERS, dayAt(125));
          await setProgram(service, shuffled, THREE_TIERS, dayAt(125));
          const events = webhooks(world);
          for (const event of events) expect((await deliver(service, inOrder, event, 'first')).status).toBe(200);
          for (const { event, copy } of deliveries) expect((await deliver(service, shuffled, events[event]!, copy)).status).toBe(200);
          expect(await shopState(shuffled, world)).toEqual(await shopState(inOrder, world));
        }),
      ),
      { numRuns: runs(8) },
    );
  }, timeLimit(240_000));

  it('dates a reversal by its refund even when the refund arrives before the payment', async () => {
    const shop = nextShop('refund-first');
    service.setNow(dayAt(125));
    const order = paidOrder({ id: 41, customerId: 4001, subtotal: '100.00', at: dayAt(10) });
    expect((await service.webhook('refunds/create', refund({ id: 42, orderId: 41, subtotal: '40.00', at: dayAt(20) }), { shop })).status).toBe(200);
    expect((await service.webhook('orders/paid', order, { shop })).status).toBe(200);

    const { ledger } = await memberState(service, shop, '4001');
    // Points are dated by the business event: the refund's processed_at (contract), as in order.
    expect(ledger.find((entry) => entry.type === 'reverse')).toMatchObject({ points: -40, occurredAt: dayAt(20) });
  });

  it('counts the same active members whether a cancellation arrives before or after the payment', async () => {
    const [inOrder, cancelFirst] = [nextShop('active-in-order'), nextShop('active-cancel-first')];
    service.setNow(dayAt(125));
    const order = paidOrder({ id: 61, customerId: 6001, subtotal: '30.00', at: dayAt(10) });
    const cancelled = { ...order, cancelled_at: dayAt(12), financial_status: 'refunded' };
    for (const [topic, body] of [['orders/paid', order], ['orders/cancelled', cancelled]] as const) await service.webhook(topic, body, { shop: inOrder });
    for (const [topic, body] of [['orders/cancelled', cancelled], ['orders/paid', order]] as const) await service.webhook(topic, body, { shop: cancelFirst });

    const figures = async (shop: string) => (await (await admin(service, shop, dayAt(125), '/kpis?from=2025-01-01&to=2025-12-31', { method: 'GET' })).json()) as Record<string, unknown>;
    const [a, b] = [await figures(inOrder), await figures(cancelFirst)];
    expect(b.activeMembers).toBe(a.activeMembers);
  });

  it('re-rates a later order when an earlier-dated order that crosses a tier arrives late', async () => {
    // Default tiers: Silver (x1.25) from 500 of spend before an order's instant.
    const [inOrder, late] = [nextShop('rated-in-order'), nextShop('rated-late')];
    service.setNow(dayAt(125));
    const big = paidOrder({ id: 51, customerId: 5001, subtotal: '600.00', at: dayAt(1) });
    const later = paidOrder({ id: 52, customerId: 5001, subtotal: '100.00', at: dayAt(10) });
    for (const body of [big, later]) await service.webhook('orders/paid', body, { shop: inOrder });
    for (const body of [later, big]) await service.webhook('orders/paid', body, { shop: late });

    // In order, the later order is rated Silver: 600 + 125. Arriving first it was rated Bronze;
    // the late arrival of the bigger, earlier order re-rates it: 600 + 100 + 25.
    expect((await memberState(service, inOrder, '5001')).member?.balance).toBe(725);
    const { member, ledger } = await memberState(service, late, '5001');
    expect(member?.balance).toBe(725);
    expect(ledger.find((entry) => entry.type === 'rerate')).toMatchObject({ points: 25, orderId: '52' });
  });
});
