import { describe, expect, it } from 'vitest';
import type { Change } from '../../shared/earning/change.ts';
import { applyCustomerCreated } from '../../shared/earning/customers.ts';
import type { OrderPaid } from '../../shared/earning/events.ts';
import { applyOrderCancelled, applyOrderPaid, applyRefund, type OrderContext } from '../../shared/earning/orders.ts';
import type { Lot, Member, Order } from '../../shared/ledger/types.ts';
import { defaultProgram } from '../../shared/program/program.ts';
import { lotStandings } from '../../shared/ledger/lots.ts';

const now = new Date('2026-06-01T00:00:00Z');
const shop = 'shop.myshopify.com';

function paid(orderId: string, subtotalMinor: number, at = '2026-05-01T10:00:00.000Z'): OrderPaid {
  return { kind: 'order-paid', orderId, customerId: '7', at, currency: 'USD', subtotalMinor, giftCardMinor: 0, taxesIncluded: false, includedTaxMinor: 0, discountCodes: [] };
}

/** Applies changes the way the store would, keeping the stored state in memory. */
function history() {
  const state = { member: undefined as Member | undefined, orders: new Map<string, Order>(), lots: new Map<string, Lot>() };
  const commit = (change: Change | null) => {
    if (!change) return null;
    if (change.member) state.member = { ...change.member, rev: change.member.rev + 1 };
    if (change.order) state.orders.set(change.order.orderId, { ...change.order, rev: change.order.rev + 1 });
    for (const lot of change.lots) state.lots.set(lot.id, lot);
    return change;
  };
  const ctx = (orderId: string): OrderContext => ({
    shop,
    program: defaultProgram,
    now,
    ...(state.lots.get(`order:${orderId}`) ? { lot: state.lots.get(`order:${orderId}`)! } : {}),
    ...(state.member ? { member: state.member } : {}),
    ...(state.orders.get(orderId) ? { order: state.orders.get(orderId)! } : {}),
  });
  return { state, commit, ctx };
}

describe('earning', () => {
  it('earns on a paid order and enrolls its customer without the signup bonus', () => {
    const h = history();
    const change = h.commit(applyOrderPaid(h.ctx('1'), paid('1', 19900)));
    expect(change?.entries).toMatchObject([{ type: 'earn', points: 199, balanceAfter: 199, orderId: '1' }]);
    expect(h.state.member).toMatchObject({ balance: 199, tier: 'Bronze', lifetimeEarned: 199 });
    expect(h.state.member?.signupBonusAt).toBeUndefined();
    expect([...h.state.lots.values()]).toEqual([
      { id: 'order:1', source: 'order', orderId: '1', earnedAt: '2026-05-01T10:00:00.000Z', expiresAt: '2027-05-01T10:00:00.000Z', points: 199 },
    ]);
  });

  it('earns nothing twice for the same order', () => {
    const h = history();
    h.commit(applyOrderPaid(h.ctx('1'), paid('1', 19900)));
    expect(applyOrderPaid(h.ctx('1'), paid('1', 19900))).toBeNull();
  });

  it('earns nothing for a guest checkout', () => {
    const h = history();
    const { customerId: _none, ...guest } = paid('1', 19900);
    expect(applyOrderPaid(h.ctx('1'), guest)).toBeNull();
  });

  it('rates an order by the tier its earlier spend reached', () => {
    const h = history();
    h.commit(applyOrderPaid(h.ctx('1'), paid('1', 60000, '2026-03-01T10:00:00.000Z')));
    expect(h.state.member?.tier).toBe('Silver');
    const second = h.commit(applyOrderPaid(h.ctx('2'), paid('2', 10000, '2026-04-01T10:00:00.000Z')));
    expect(second?.entries[0]).toMatchObject({ points: 125 });
    expect(h.state.member?.balance).toBe(600 + 125);
  });

  it('reverses a partial refund in proportion, and never more than the order earned', () => {
    const h = history();
    h.commit(applyOrderPaid(h.ctx('1'), paid('1', 20000)));
    const first = h.commit(applyRefund(h.ctx('1'), { kind: 'refund-created', refundId: 'r1', orderId: '1', at: '2026-05-02T00:00:00.000Z', lines: [{ subtotal: '150.00', tax: '0.00' }] }));
    expect(first?.entries).toMatchObject([{ type: 'reverse', points: -150, refundId: 'r1' }]);
    const second = h.commit(applyRefund(h.ctx('1'), { kind: 'refund-created', refundId: 'r2', orderId: '1', at: '2026-05-03T00:00:00.000Z', lines: [{ subtotal: '150.00', tax: '0.00' }] }));
    expect(second?.entries).toMatchObject([{ type: 'reverse', points: -50 }]);
    expect(h.state.member?.balance).toBe(0);
    expect(h.state.orders.get('1')?.reversedPoints).toBe(200);
    expect(applyRefund(h.ctx('1'), { kind: 'refund-created', refundId: 'r2', orderId: '1', at: '2026-05-03T00:00:00.000Z', lines: [{ subtotal: '150.00', tax: '0.00' }] })).toBeNull();
  });

  it('reaches the same balance when the cancellation arrives before the payment', () => {
    const h = history();
    const cancel = { kind: 'order-cancelled' as const, orderId: '1', customerId: '7', at: '2026-05-02T00:00:00.000Z' };
    h.commit(applyOrderCancelled(h.ctx('1'), cancel));
    expect(h.state.member).toBeUndefined();
    const late = h.commit(applyOrderPaid(h.ctx('1'), paid('1', 19900)));
    expect(late?.entries.map((e) => [e.type, e.points])).toEqual([
      ['earn', 199],
      ['reverse', -199],
    ]);
    expect(h.state.member).toMatchObject({ balance: 0, spendByOrder: { '1': { minor: 0, cancelled: true } } });
    expect(h.state.member?.orderCount).toBeUndefined();
    expect(applyOrderCancelled(h.ctx('1'), cancel)).toBeNull();
  });

  it('takes reversed points back from the order’s lot; spent ones leave a negative balance that later earnings repay', () => {
    const h = history();
    h.commit(applyOrderPaid(h.ctx('1'), paid('1', 10000)));
    h.commit(applyOrderPaid(h.ctx('2'), paid('2', 5000)));
    // 100 points were redeemed since (the redemption counts them as consumed).
    h.state.member = { ...h.state.member!, balance: 50, consumed: 100 };
    h.commit(applyOrderCancelled(h.ctx('1'), { kind: 'order-cancelled', orderId: '1', customerId: '7', at: '2026-05-02T00:00:00.000Z' }));
    expect(h.state.member?.balance).toBe(-50);
    expect(h.state.lots.get('order:1')?.points).toBe(0);
    h.commit(applyOrderPaid(h.ctx('3'), paid('3', 8000)));
    expect(h.state.member?.balance).toBe(30);
    // The lots still add up to what can be spent.
    const remaining = lotStandings([...h.state.lots.values()], h.state.member!.consumed).map((s) => [s.lot.id, s.remaining]);
    expect(remaining).toEqual([
      ['order:1', 0],
      ['order:2', 0],
      ['order:3', 30],
    ]);
  });

  it('grants the signup bonus once, even when an order enrolled the customer first', () => {
    const h = history();
    h.commit(applyOrderPaid(h.ctx('1'), paid('1', 19900)));
    const created = { kind: 'customer-created' as const, customerId: '7', createdAt: '2026-04-30T00:00:00.000Z', contact: { email: 'a@example.com', updatedAt: '2026-04-30T00:00:00.000Z' } };
    const bonus = applyCustomerCreated({ shop, program: defaultProgram, now, member: h.state.member! }, created);
    expect(bonus?.entries).toMatchObject([{ type: 'bonus', points: 100, balanceAfter: 299 }]);
    const member = { ...bonus!.member!, rev: 2 };
    expect(applyCustomerCreated({ shop, program: defaultProgram, now, member }, created)).toBeNull();
  });
});
