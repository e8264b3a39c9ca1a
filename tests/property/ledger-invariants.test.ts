/**
 * Properties of the ledger over random histories (fast-check): signups, payments, refunds,
 * cancellations, redemptions, staff adjustments and expiry runs, with the webhooks delivered
 * shuffled and with duplicates, and the time-dependent actions interleaved with them. Each
 * history runs against the real app over DynamoDB Local, in a shop of its own.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { lotStandings } from '../../shared/ledger/lots.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { testService } from '../support/http.ts';
import {
  act,
  actionArb,
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
  type Action,
  type Delivery,
  type Service,
  type World,
} from './history.ts';

let service: Service;
beforeAll(async () => {
  service = await testService(dayAt(125));
});

const historyArb = worldArb({ maxCents: 40_000 }).chain((world) =>
  fc.record({
    world: fc.constant(world),
    deliveries: deliveriesArb(webhooks(world).length),
    actions: fc.array(actionArb(world.customers.length, { min: 125, max: 560 }), { maxLength: 6 }),
    /** Where, among the deliveries, each action happens. */
    positions: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  }),
);

type Step = { delivery: Delivery } | { action: Action };

function interleave(deliveries: Delivery[], actions: Action[], positions: number[]): Step[] {
  const steps: Step[] = deliveries.map((delivery) => ({ delivery }));
  const at = positions.slice(0, actions.length).map((p) => p % (deliveries.length + 1)).sort((a, b) => a - b);
  // Inserted back to front, so that earlier positions stay put; actions keep their time order.
  inTimeOrder(actions).forEach((_, i, sorted) => {
    const k = sorted.length - 1 - i;
    steps.splice(at[k]!, 0, { action: sorted[k]! });
  });
  return steps;
}

/** Every broken invariant, as a sentence; an empty list when the history's end state is sound. */
async function problems(shop: string, world: World, granted: { redeemed: number[]; adjusted: number[] }): Promise<string[]> {
  const found: string[] = [];
  const orders = await ordersOf(service, shop, world);
  for (const [index, customer] of world.customers.entries()) {
    const who = `customer ${customer.id}`;
    const { member, lots, ledger } = await memberState(service, shop, String(customer.id));
    const sum = ledger.reduce((total, entry) => total + entry.points, 0);
    if (!member) {
      if (ledger.length || lots.length) found.push(`${who}: ledger or lots without a member`);
      continue;
    }
    if (sum !== member.balance) found.push(`${who}: balance ${member.balance} but the ledger sums to ${sum}`);
    const remaining = lotStandings(lots, member.consumed).reduce((total, s) => total + s.remaining, 0);
    if (remaining !== Math.max(member.balance, 0)) found.push(`${who}: lots hold ${remaining} spendable points but the balance is ${member.balance}`);
    if (member.consumed < 0) found.push(`${who}: consumed is ${member.consumed}`);
    if (member.pending !== 0) found.push(`${who}: ${member.pending} pending points in a program without a return window`);
    for (const entry of ledger) {
      if ((entry.type === 'redeem' || (entry.type === 'adjust' && entry.points < 0)) && entry.balanceAfter < 0) {
        found.push(`${who}: ${entry.type} ${entry.id} left the balance at ${entry.balanceAfter}`);
      }
    }
    const count = (type: string) => ledger.filter((e) => e.type === type).length;
    if (count('bonus') !== (customer.signup ? 1 : 0)) found.push(`${who}: ${count('bonus')} signup bonuses`);
    if (count('redeem') !== granted.redeemed[index]) found.push(`${who}: ${count('redeem')} redeem entries for ${granted.redeemed[index]} redemptions`);
    if (count('adjust') !== granted.adjusted[index]) found.push(`${who}: ${count('adjust')} adjust entries for ${granted.adjusted[index]} adjustments`);

    for (const order of world.orders.filter((o) => o.customer === index)) {
      const ofOrder = ledger.filter((e) => e.orderId === String(order.id));
      const earns = ofOrder.filter((e) => e.type === 'earn');
      if (earns.length !== (order.paid ? 1 : 0)) found.push(`${who}: order ${order.id} has ${earns.length} earn entries`);
      if (!order.paid) continue;
      // What the order earned now: its first rating, or the one a late, earlier order re-rated it to.
      const stored = orders.find((o) => o.orderId === String(order.id));
      const earned = stored?.paid?.points ?? 0;
      const E = eligibleCents(order);
      const expected = order.cancelDay !== undefined ? earned : E === 0 ? 0 : Math.floor((earned * Math.min(E, refundedEligibleCents(order))) / E);
      if (stored?.reversedPoints !== expected) found.push(`${who}: order ${order.id} records ${stored?.reversedPoints} reversed, expected ${expected}`);
      // Its ledger entries (earned, re-rated, reversed) net to what it holds. Points that had
      // already expired are not taken again: the ledger shows only what left the balance, all of
      // it unless the order's lot was settled by the expiry job.
      const net = ofOrder.filter((e) => e.type === 'earn' || e.type === 'rerate' || e.type === 'reverse').reduce((t, e) => t + e.points, 0);
      const settled = lots.some((lot) => lot.id === `order:${order.id}` && lot.settledAt);
      const holds = earned - expected;
      if (net < holds || (!settled && net !== holds)) found.push(`${who}: order ${order.id}'s entries net ${net}, expected ${settled ? 'at least ' : ''}${holds}`);
    }
  }
  return found;
}

describe('the ledger, over random histories delivered shuffled and twice', () => {
  it('keeps balance = ledger sum, lots = balance, redemptions ≥ 0 and reversals ≤ earnings', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb, withShrinkBudget(40, async ({ world, deliveries, actions, positions }) => {
        const shop = nextShop('invariants');
        await setProgram(service, shop, { rewards: [TREAT] }, dayAt(125));
        const events = webhooks(world);
        const granted = { redeemed: world.customers.map(() => 0), adjusted: world.customers.map(() => 0) };
        service.setNow(dayAt(125));
        let minute = 0;
        for (const step of interleave(deliveries, actions, positions)) {
          if ('delivery' in step) {
            const response = await deliver(service, shop, events[step.delivery.event]!, step.delivery.copy);
            expect(response.status, await response.clone().text()).toBe(200);
            continue;
          }
          const { action } = step;
          const status = await act(service, shop, world, action, minute++);
          expect([200, 201, 409]).toContain(status);
          if (status === 201 && action.kind === 'redeem') granted.redeemed[action.customer]!++;
          if (status === 201 && action.kind === 'adjust') granted.adjusted[action.customer]!++;
        }
        expect(await problems(shop, world, granted)).toEqual([]);
      })),
      {
        numRuns: runs(12),
        // Always tried first: a refund that arrives after the expiry job settled the order's lot.
        examples: [
          [
            {
              world: { customers: [{ id: 1001, createdDay: 0, signup: false }], orders: [{ id: 5001, customer: 0, cents: 10_000, taxesIncluded: false, taxCents: 0, day: 5, paid: true, refunds: [{ id: 7001, cents: 10_000, taxCents: 0, day: 6, asNumber: false }] }] },
              deliveries: [{ event: 0, copy: 'first' }, { event: 1, copy: 'first' }],
              actions: [{ kind: 'expire', day: 400 }],
              positions: [1, 0, 0, 0, 0, 0],
            },
          ],
        ],
      },
    );
  }, timeLimit(240_000));
});

/**
 * The smallest histories the property above found, kept as examples. They involve a lot that the
 * expiry job has settled and whose order is refunded afterwards.
 */
describe('a refund of an order whose lot has expired', () => {
  it('keeps the balance equal to the sum of the ledger', async () => {
    const shop = nextShop('expired-refund');
    service.setNow(dayAt(10));
    await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5, subtotal: '100.00', at: dayAt(1) }), { shop });
    await act(service, shop, { customers: [{ id: 5, createdDay: 0, signup: false }], orders: [] }, { kind: 'expire', day: 400 }, 0);
    const answer = await service.webhook('refunds/create', refund({ id: 11, orderId: 1, subtotal: '100.00', at: dayAt(401) }), { shop });
    expect(answer.status).toBe(200);

    const { member, ledger } = await memberState(service, shop, '5');
    // The member earned 100, which expired: the balance is 0 and stays 0 after the refund.
    expect(member?.balance).toBe(0);
    expect(ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(member?.balance);
  });

  it('keeps the lots equal to the balance, so a later lot does not expire points spent twice', async () => {
    const shop = nextShop('expired-refund');
    service.setNow(dayAt(10));
    const world = { customers: [{ id: 6, createdDay: 0, signup: false }], orders: [] };
    await service.webhook('orders/paid', paidOrder({ id: 2, customerId: 6, subtotal: '400.00', at: dayAt(1) }), { shop });
    await setProgram(service, shop, { rewards: [{ ...TREAT, cost: 300 }] }, dayAt(10));
    expect(await act(service, shop, world, { kind: 'redeem', customer: 0, day: 10 }, 0)).toBe(201); // 400 - 300 = 100
    await act(service, shop, world, { kind: 'expire', day: 400 }, 1); // the 100 left expire: 0
    // The order is refunded: 300 of its points were spent, so the member owes 300.
    await service.webhook('refunds/create', refund({ id: 12, orderId: 2, subtotal: '400.00', at: dayAt(401) }), { shop });
    // A new order of 400 pays the debt back: 100 spendable.
    await service.webhook('orders/paid', paidOrder({ id: 3, customerId: 6, subtotal: '400.00', at: dayAt(402) }), { shop });
    const { member, lots } = await memberState(service, shop, '6');
    expect(member?.balance).toBe(100);
    const spendable = lotStandings(lots, member!.consumed).reduce((sum, s) => sum + s.remaining, 0);
    expect(spendable).toBe(100);
    // When that lot expires, the 100 left in it expire, and the balance is 0, not -300.
    await act(service, shop, world, { kind: 'expire', day: 800 }, 2);
    expect((await memberState(service, shop, '6')).member?.balance).toBe(0);
  });
});
