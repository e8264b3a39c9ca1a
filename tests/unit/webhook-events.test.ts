import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { parseJson, toEvent } from '../../shared/shopify/webhook-events.ts';
import type { LoyaltyEvent } from '../../shared/earning/events.ts';
import { toMinorUnits } from '../../shared/money/money.ts';
import { paidOrder } from '../support/fixtures.ts';
import { SAMPLE_CANCELLATION, SAMPLE_CUSTOMER, SAMPLE_DISCOUNTED_ORDER, SAMPLE_PAID_ORDER, SAMPLE_REFUND } from '../support/shopify-samples.ts';

/** A refund event's lines, summed in minor units (plain amounts are in the shop's currency, USD here). */
function refunded(event: LoyaltyEvent): { subtotalMinor: number; taxMinor: number } {
  if (event.kind !== 'refund-created') throw new Error(`not a refund: ${event.kind}`);
  const minor = (value: string | number) => toMinorUnits(value, event.currency ?? 'USD');
  return {
    subtotalMinor: event.lines.reduce((sum, line) => sum + minor(line.subtotal), 0),
    taxMinor: event.lines.reduce((sum, line) => sum + minor(line.tax), 0),
  };
}

describe('webhook payloads', () => {
  it('read a paid order: subtotal in shop money, dated by processed_at in UTC', () => {
    expect(toEvent('orders/paid', SAMPLE_PAID_ORDER)).toMatchObject({
      kind: 'order-paid',
      orderId: '5820417302571',
      customerId: '7390254018811',
      at: '2025-04-03T13:14:27.000Z',
      currency: 'USD',
      subtotalMinor: 8175,
      taxesIncluded: false,
      discountCodes: [],
    });
  });

  it('take the subtotal after discounts', () => {
    expect(toEvent('orders/paid', SAMPLE_DISCOUNTED_ORDER)).toMatchObject({ subtotalMinor: 13500, discountCodes: ['SPRING15'] });
  });

  it('take out item tax where prices include it, and leave shipping out', () => {
    const order = paidOrder({ id: 1, subtotal: '120.00', tax: '20.00', taxesIncluded: true, at: '2026-01-01T00:00:00Z' });
    expect(toEvent('orders/paid', order)).toMatchObject({ subtotalMinor: 12000, taxesIncluded: true, includedTaxMinor: 2000 });
  });

  it('read a refund whose line subtotals are JSON numbers', () => {
    const expected = { kind: 'refund-created', refundId: '9120330001', orderId: '5820417400001', at: '2025-04-05T15:20:03.000Z' };
    const event = toEvent('refunds/create', SAMPLE_REFUND);
    expect(event).toMatchObject(expected);
    expect(refunded(event)).toEqual({ subtotalMinor: 15291, taxMinor: 1223 });
    // Without the `_set` twins, the numbers alone give the same.
    const numbersOnly = {
      ...SAMPLE_REFUND,
      refund_line_items: SAMPLE_REFUND.refund_line_items.map(({ subtotal_set: _s, total_tax_set: _t, ...line }: Record<string, unknown>) => line),
    };
    const fromNumbers = toEvent('refunds/create', numbersOnly);
    expect(fromNumbers).toMatchObject(expected);
    expect(refunded(fromNumbers)).toEqual({ subtotalMinor: 15291, taxMinor: 1223 });
  });

  it('read a cancellation, dated by cancelled_at', () => {
    expect(toEvent('orders/cancelled', SAMPLE_CANCELLATION)).toMatchObject({
      kind: 'order-cancelled',
      orderId: '5820417400001',
      customerId: '7390254100002',
      at: '2025-04-06T14:02:11.000Z',
    });
  });

  it('read a customer with contact data and marketing consent', () => {
    expect(toEvent('customers/create', SAMPLE_CUSTOMER)).toMatchObject({
      kind: 'customer-created',
      customerId: '7390254200003',
      createdAt: '2025-04-02T13:45:12.000Z',
      contact: { email: 'mira.okafor@example.com', firstName: 'Mira', lastName: 'Okafor', emailMarketing: 'subscribed' },
    });
  });

  it('reject bodies that are not JSON or not the topic’s shape', () => {
    expect(() => parseJson('{nope')).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', { id: 'x' })).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', [])).toThrow(InvalidPayloadError);
    expect(() => toEvent('refunds/create', { ...SAMPLE_REFUND, refund_line_items: [{ subtotal: 'lots' }] })).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', { ...SAMPLE_PAID_ORDER, subtotal_price_set: null, subtotal_price: 1e308 })).toThrow(InvalidPayloadError);
  });
});
