import { describe, expect, it } from 'vitest';
import type { Change } from '../../shared/earning/change.ts';
import { CurrencyMismatchError } from '../../shared/earning/errors.ts';
import type { OrderPaid, RefundCreated } from '../../shared/earning/events.ts';
import { applyOrderCancelled, applyOrderPaid, applyRefund, type OrderContext } from '../../shared/earning/orders.ts';
import { ratingsToRedo, withRerates } from '../../shared/earning/rerate.ts';
import type { Lot, Member, Order } from '../../shared/ledger/types.ts';
import { defaultProgram } from '../../shared/program/program.ts';
import { parseJson, toEvent } from '../../shared/shopify/webhook-events.ts';

const now = new Date('2026-06-01T00:00:00Z');
const shop = 'shop.myshopify.com';

function paid(orderId: string, subtotalMinor: number, at: string, extra: Partial<OrderPaid> = {}): OrderPaid {
  return { kind: 'order-paid', orderId, customerId: '7', at, currency: 'USD', subtotalMinor, giftCardMinor: 0, taxesIncluded: false, includedTaxMinor: 0, discountCodes: [], ...extra };
}

/** The stored state in memory, committed the way the store does, re-rating as the use case does. */
function history(currency?: string) {
  const state = { member: undefined as Member | undefined, orders: new Map<string, Order>(), lots: new Map<string, Lot>() };
  const ctx = (orderId: string): OrderContext => ({
    shop,
    program: defaultProgram,
    now,
    ...(currency ? { currency } : {}),
    ...(state.lots.get(`order:${orderId}`) ? { lot: state.lots.get(`order:${orderId}`)! } : {}),
    ...(state.member ? { member: state.member } : {}),
    ...(state.orders.get(orderId) ? { order: state.orders.get(orderId)! } : {}),
  });
  const commit = (change: Change | null, at: string) => {
    if (!change) return null;
    const rerates = ratingsToRedo(change, defaultProgram);
    if (rerates.length) {
      const ids = rerates.map((r) => r.orderId);
      const orders = ids.map((id) => state.orders.get(id)).filter((o): o is Order => o !== undefined);
      const lots = ids.map((id) => state.lots.get(`order:${id}`)).filter((l): l is Lot => l !== undefined);
      change = withRerates({ program: defaultProgram, now, at }, change, rerates, orders, lots);
    }
    if (change.member) state.member = { ...change.member, rev: change.member.rev + 1 };
    for (const order of [...(change.order ? [change.order] : []), ...(change.orders ?? [])]) state.orders.set(order.orderId, { ...order, rev: order.rev + 1 });
    for (const lot of change.lots) state.lots.set(lot.id, lot);
    return change;
  };
  const pay = (event: OrderPaid) => commit(applyOrderPaid(ctx(event.orderId), event), event.at);
  const refund = (event: RefundCreated) => commit(applyRefund(ctx(event.orderId), event), event.at);
  const cancel = (orderId: string, at: string) => commit(applyOrderCancelled(ctx(orderId), { kind: 'order-cancelled', orderId, customerId: '7', at }), at);
  return { state, pay, refund, cancel };
}

/** A paid order payload in Shopify's REST field names. */
function orderPayload(lines: { price: string; quantity: number; giftCard?: boolean; discount?: string }[], extra: Record<string, unknown> = {}) {
  const money = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' }, presentment_money: { amount, currency_code: 'GBP' } });
  const subtotal = lines.reduce((sum, l) => sum + Number(l.price) * l.quantity - Number(l.discount ?? 0), 0).toFixed(2);
  return {
    id: 820982911946154508n.toString(),
    created_at: '2026-05-01T10:00:00+02:00',
    processed_at: '2026-05-01T10:00:00+02:00',
    currency: 'EUR',
    presentment_currency: 'GBP',
    subtotal_price: subtotal,
    subtotal_price_set: money(subtotal),
    taxes_included: false,
    payment_gateway_names: ['gift_card'],
    line_items: lines.map((l, i) => ({
      id: 466157049 + i,
      gift_card: l.giftCard ?? false,
      price: l.price,
      price_set: money(l.price),
      quantity: l.quantity,
      discount_allocations: l.discount ? [{ amount: l.discount, amount_set: money(l.discount) }] : [],
      tax_lines: [],
    })),
    customer: { id: 115310627314723954n.toString(), created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' },
    ...extra,
  };
}

describe('earning rules', () => {
  describe('gift cards', () => {
    it('earn nothing when bought', () => {
      const event = toEvent('orders/paid', orderPayload([{ price: '25.00', quantity: 2, giftCard: true }])) as OrderPaid;
      expect(event).toMatchObject({ subtotalMinor: 5000, giftCardMinor: 5000 });
      expect(history().pay(event)?.entries).toMatchObject([{ type: 'earn', points: 0 }]);
    });

    it('leave the rest of the order earning, their own discount taken off what they leave out', () => {
      const event = toEvent('orders/paid', orderPayload([{ price: '40.00', quantity: 1 }, { price: '25.00', quantity: 1, giftCard: true, discount: '5.00' }])) as OrderPaid;
      expect(event).toMatchObject({ subtotalMinor: 6000, giftCardMinor: 2000 });
      expect(history().pay(event)?.entries).toMatchObject([{ type: 'earn', points: 40 }]);
    });

    it('do not change what an order paid with a gift card earns', () => {
      const event = toEvent('orders/paid', orderPayload([{ price: '80.00', quantity: 1 }])) as OrderPaid;
      expect(history().pay(event)?.entries).toMatchObject([{ type: 'earn', points: 80 }]);
    });

    it('reverse nothing when a gift card bought is refunded', () => {
      const body = {
        id: 5001,
        order_id: 4001,
        created_at: '2026-05-03T00:00:00Z',
        refund_line_items: [
          { quantity: 1, subtotal: 25, subtotal_set: { shop_money: { amount: '25.00', currency_code: 'USD' } }, total_tax: 0, line_item: { gift_card: true } },
          { quantity: 1, subtotal: 10, subtotal_set: { shop_money: { amount: '10.00', currency_code: 'USD' } }, total_tax: 0, line_item: { gift_card: false } },
        ],
      };
      expect(toEvent('refunds/create', body)).toMatchObject({ currency: 'USD', lines: [{ subtotal: '10.00', tax: '0' }] });
    });
  });

  describe('ids', () => {
    it('keep ids beyond 2^53 exactly, as strings', () => {
      const text = '{"id":820982911946154508,"created_at":"2026-05-01T10:00:00Z","currency":"USD","subtotal_price":"10.00","customer":{"id":115310627314723954,"created_at":"2026-01-01T00:00:00Z"}}';
      const event = toEvent('orders/paid', parseJson(text));
      expect(event).toMatchObject({ orderId: '820982911946154508', customerId: '115310627314723954', subtotalMinor: 1000 });
    });

    it('read small ids and decimal amounts as plain JSON does', () => {
      expect(parseJson('{"id":1,"amount":195.66,"big":12345678901234567890}')).toEqual({ id: 1, amount: 195.66, big: '12345678901234567890' });
    });
  });

  describe('tiers', () => {
    it('rate an order by every earlier order up to its own instant, the same day included', () => {
      const h = history();
      h.pay(paid('1', 60000, '2026-05-01T09:00:00.000Z'));
      const later = h.pay(paid('2', 10000, '2026-05-01T18:00:00.000Z'));
      expect(later?.entries).toMatchObject([{ type: 'earn', points: 125 }]);
      expect(h.state.orders.get('2')?.paid).toMatchObject({ tier: 'Silver', multiplier: 1.25 });
    });

    it('re-rate a later order when an earlier one arrives late, to the state in-order delivery gives', () => {
      const inOrder = history();
      inOrder.pay(paid('1', 60000, '2026-04-01T09:00:00.000Z'));
      inOrder.pay(paid('2', 10000, '2026-04-20T09:00:00.000Z'));

      const late = history();
      late.pay(paid('2', 10000, '2026-04-20T09:00:00.000Z'));
      expect(late.state.member?.balance).toBe(100);
      const change = late.pay(paid('1', 60000, '2026-04-01T09:00:00.000Z'));
      expect(change?.entries).toMatchObject([
        { type: 'earn', points: 600, orderId: '1' },
        { type: 'rerate', points: 25, orderId: '2' },
      ]);
      expect(late.state.member).toMatchObject({ balance: inOrder.state.member!.balance, lifetimeEarned: inOrder.state.member!.lifetimeEarned, tier: 'Silver' });
      expect(late.state.member?.balance).toBe(725);
      expect(late.state.orders.get('2')?.paid).toMatchObject({ points: 125, multiplier: 1.25 });
      expect(late.state.lots.get('order:2')?.points).toBe(125);
    });

    it('re-rate later orders down when the earlier order that lifted them is cancelled', () => {
      const h = history();
      h.pay(paid('1', 60000, '2026-04-01T09:00:00.000Z'));
      h.pay(paid('2', 10000, '2026-04-20T09:00:00.000Z'));
      const change = h.cancel('1', '2026-04-25T00:00:00.000Z');
      expect(change?.entries).toMatchObject([
        { type: 'reverse', points: -600, orderId: '1' },
        { type: 'rerate', points: -25, orderId: '2' },
      ]);
      expect(h.state.member).toMatchObject({ balance: 100, tier: 'Bronze' });
    });

    it('re-rate in proportion what a partly refunded later order still holds', () => {
      const inOrder = history();
      inOrder.pay(paid('1', 60000, '2026-04-01T09:00:00.000Z'));
      inOrder.pay(paid('2', 20000, '2026-04-20T09:00:00.000Z'));
      inOrder.refund({ kind: 'refund-created', refundId: 'r', orderId: '2', at: '2026-04-21T00:00:00.000Z', lines: [{ subtotal: '50.00', tax: 0 }] });

      const late = history();
      late.pay(paid('2', 20000, '2026-04-20T09:00:00.000Z'));
      late.refund({ kind: 'refund-created', refundId: 'r', orderId: '2', at: '2026-04-21T00:00:00.000Z', lines: [{ subtotal: '50.00', tax: 0 }] });
      late.pay(paid('1', 60000, '2026-04-01T09:00:00.000Z'));
      expect(late.state.member?.balance).toBe(inOrder.state.member?.balance);
      expect(late.state.lots.get('order:2')?.points).toBe(inOrder.state.lots.get('order:2')?.points);
    });

    it('never lets a far-future order push real spend out of the tier window', () => {
      const h = history();
      h.pay(paid('1', 60000, '2026-05-01T09:00:00.000Z'));
      h.pay(paid('2', 1000, '2099-01-01T00:00:00.000Z'));
      expect(h.state.member?.spendByOrder['1']?.minor).toBe(60000);
      expect(h.state.member?.tier).toBe('Silver');
    });
  });

  describe('currencies', () => {
    it('refuses an order in another currency than the shop’s, recording nothing', () => {
      const h = history('EUR');
      expect(() => h.pay(paid('1', 1000, '2026-05-01T09:00:00.000Z'))).toThrow(CurrencyMismatchError);
      expect(h.state.member).toBeUndefined();
    });

    it('reads a refund without subtotal_set in its order’s currency, never in USD', () => {
      const h = history();
      h.pay(paid('1', 10000, '2026-05-01T09:00:00.000Z', { currency: 'JPY' }));
      h.refund({ kind: 'refund-created', refundId: 'r', orderId: '1', at: '2026-05-02T00:00:00.000Z', lines: [{ subtotal: 5000, tax: 0 }] });
      expect(h.state.orders.get('1')?.refunds.r?.subtotalMinor).toBe(5000);
      expect(h.state.member?.balance).toBe(5000);
    });

    it('keeps a refund that arrives before anything names its currency, and reads it in its order’s', () => {
      const h = history();
      h.refund({ kind: 'refund-created', refundId: 'r', orderId: '9', at: '2026-05-02T00:00:00.000Z', lines: [{ subtotal: 300, tax: 0 }] });
      expect(h.state.orders.get('9')?.refunds.r).toEqual({ at: '2026-05-02T00:00:00.000Z', lines: [{ subtotal: 300, tax: 0 }] });
      h.pay(paid('9', 1000, '2026-05-01T09:00:00.000Z', { currency: 'JPY' }));
      expect(h.state.member?.balance).toBe(700);
    });
  });

  describe('order history', () => {
    it('leaves a cancelled order out of the order count and the last order date', () => {
      const h = history();
      h.pay(paid('1', 1000, '2026-04-01T09:00:00.000Z'));
      h.pay(paid('2', 1000, '2026-04-20T09:00:00.000Z'));
      h.cancel('2', '2026-04-21T00:00:00.000Z');
      expect(h.state.member).toMatchObject({ orderCount: 1, firstOrderAt: '2026-04-01T09:00:00.000Z', lastOrderAt: '2026-04-01T09:00:00.000Z' });
    });

    it('never counts an order whose cancellation arrived before its payment', () => {
      const h = history();
      h.pay(paid('1', 1000, '2026-04-01T09:00:00.000Z'));
      h.cancel('2', '2026-04-21T00:00:00.000Z');
      h.pay(paid('2', 1000, '2026-04-20T09:00:00.000Z'));
      expect(h.state.member).toMatchObject({ orderCount: 1, lastOrderAt: '2026-04-01T09:00:00.000Z', balance: 10 });
    });
  });
});
