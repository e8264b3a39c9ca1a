import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../shared/shopify/errors.ts';
import { parseJson, toEvent } from '../../shared/shopify/webhook-events.ts';
import { fixture, paidOrder } from '../support/fixtures.ts';

describe('webhook payloads', () => {
  it('read Shopify’s paid order: subtotal in shop money, dated by processed_at in UTC', () => {
    expect(toEvent('orders/paid', fixture('orders_paid'))).toMatchObject({
      kind: 'order-paid',
      orderId: '1073459972',
      customerId: '1073339470',
      at: '2025-04-02T16:31:05.000Z',
      currency: 'USD',
      subtotalMinor: 19900,
      taxesIncluded: false,
      discountCodes: [],
    });
  });

  it('take the subtotal after discounts', () => {
    expect(toEvent('orders/paid', fixture('orders_create'))).toMatchObject({ subtotalMinor: 18109, discountCodes: ['FAKE30'] });
  });

  it('take out item tax where prices include it, and leave shipping out', () => {
    const order = paidOrder({ id: 1, subtotal: '120.00', tax: '20.00', taxesIncluded: true, at: '2026-01-01T00:00:00Z' });
    expect(toEvent('orders/paid', order)).toMatchObject({ subtotalMinor: 12000, taxesIncluded: true, includedTaxMinor: 2000 });
  });

  it('read a refund whose line subtotals are JSON numbers', () => {
    expect(toEvent('refunds/create', fixture('refunds_create'))).toEqual({
      kind: 'refund-created',
      refundId: '509562969',
      orderId: '450789469',
      at: '2025-04-02T16:38:15.000Z',
      subtotalMinor: 39133,
      taxMinor: 796,
    });
  });

  it('read a cancellation, dated by cancelled_at', () => {
    expect(toEvent('orders/cancelled', fixture('orders_cancelled'))).toEqual({
      kind: 'order-cancelled',
      orderId: '450789469',
      customerId: '207119551',
      at: '2025-04-02T16:31:21.000Z',
    });
  });

  it('read a customer with contact data and marketing consent', () => {
    expect(toEvent('customers/create', fixture('customers_create'))).toMatchObject({
      kind: 'customer-created',
      customerId: '1073339458',
      createdAt: '2025-04-02T16:23:46.000Z',
      contact: { email: 'steve.lastnameson@example.com', firstName: 'Steve', emailMarketing: 'not_subscribed' },
    });
  });

  it('reject bodies that are not JSON or not the topic’s shape', () => {
    expect(() => parseJson('{nope')).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', { id: 'x' })).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', [])).toThrow(InvalidPayloadError);
    expect(() => toEvent('refunds/create', { ...fixture('refunds_create'), refund_line_items: [{ subtotal: 'lots' }] })).toThrow(InvalidPayloadError);
    expect(() => toEvent('orders/paid', { ...fixture('orders_paid'), subtotal_price_set: null, subtotal_price: 1e308 })).toThrow(InvalidPayloadError);
  });
});
