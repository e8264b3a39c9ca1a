/**
 * Orders read through the Admin GraphQL API become the same events as their webhooks: the same
 * ids (REST ids, whatever their size), dates, eligible amounts (gift cards out, included tax out),
 * refunds and cancellation; a malformed order is refused with its id and reason; a bulk result's
 * lines are put back together into the orders the paged query gives.
 */
import { describe, expect, it } from 'vitest';
import { bulkOrders } from '../../shared/shopify/bulk-operations.ts';
import { historyBulkQuery, InvalidOrderError, orderEvents, parseGraphqlOrder, restId } from '../../shared/shopify/orders-query.ts';
import { parseJson, toEvent } from '../../shared/shopify/webhook-events.ts';
import { sampleOrder } from '../support/fake-shopify-orders.ts';

const set = (amount: string, currency = 'EUR') => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });

/** The webhook body of the same order as the GraphQL node below. */
function webhookOrder(options: { id: string; customerId?: string; taxesIncluded?: boolean }) {
  return {
    id: options.id,
    created_at: '2026-03-01T09:00:00+01:00',
    processed_at: '2026-03-01T09:05:00+01:00',
    cancelled_at: null,
    currency: 'EUR',
    subtotal_price: '150.00',
    subtotal_price_set: set('150.00'),
    taxes_included: options.taxesIncluded ?? false,
    total_tax: '20.00',
    total_tax_set: set('20.00'),
    line_items: [
      { id: 1, price: '60.00', price_set: set('60.00'), quantity: 2, gift_card: false, discount_allocations: [{ amount: '10.00', amount_set: set('10.00') }], tax_lines: [{ price: '18.33', price_set: set('18.33') }] },
      { id: 2, price: '25.00', price_set: set('25.00'), quantity: 1, gift_card: true, discount_allocations: [{ amount: '5.00', amount_set: set('5.00') }], tax_lines: [{ price: '1.67', price_set: set('1.67') }] },
    ],
    discount_codes: [{ code: 'SPRING' }],
    customer: options.customerId
      ? { id: options.customerId, email: 'ada@example.com', first_name: 'Ada', created_at: '2025-01-02T03:04:05Z', updated_at: '2025-06-01T00:00:00Z', email_marketing_consent: { state: 'subscribed', consent_updated_at: '2025-05-01T00:00:00Z' } }
      : null,
  };
}

function graphqlOrder(options: { id: string; customerId?: string; taxesIncluded?: boolean; refunds?: unknown[]; cancelledAt?: string | null; status?: string }) {
  const bag = (amount: string) => ({ shopMoney: { amount, currencyCode: 'EUR' } });
  return {
    id: `gid://shopify/Order/${options.id}`,
    createdAt: '2026-03-01T08:00:00Z',
    processedAt: '2026-03-01T08:05:00Z',
    updatedAt: '2026-03-04T10:00:00Z',
    cancelledAt: options.cancelledAt ?? null,
    displayFinancialStatus: options.status ?? 'PAID',
    currencyCode: 'EUR',
    taxesIncluded: options.taxesIncluded ?? false,
    subtotalPriceSet: bag('150.00'),
    totalTaxSet: bag('20.00'),
    discountCodes: ['SPRING'],
    customer: options.customerId
      ? {
          id: `gid://shopify/Customer/${options.customerId}`,
          createdAt: '2025-01-02T03:04:05Z',
          updatedAt: '2025-06-01T00:00:00Z',
          firstName: 'Ada',
          lastName: null,
          defaultEmailAddress: { emailAddress: 'ada@example.com', marketingState: 'SUBSCRIBED', marketingUpdatedAt: '2025-05-01T00:00:00Z' },
          defaultPhoneNumber: null,
        }
      : null,
    lineItems: {
      nodes: [
        { isGiftCard: false, quantity: 2, originalUnitPriceSet: bag('60.00'), discountAllocations: [{ allocatedAmountSet: bag('10.00') }], taxLines: [{ priceSet: bag('18.33') }] },
        { isGiftCard: true, quantity: 1, originalUnitPriceSet: bag('25.00'), discountAllocations: [{ allocatedAmountSet: bag('5.00') }], taxLines: [{ priceSet: bag('1.67') }] },
      ],
    },
    refunds: options.refunds ?? [],
  };
}

describe('orders read through the Admin GraphQL API', () => {
  it('pay exactly what their orders/paid webhook pays, taxes included and a gift card bought', () => {
    const id = '820982911946154508';
    const fromWebhook = toEvent('orders/paid', parseJson(JSON.stringify(webhookOrder({ id, customerId: '115310627314723954', taxesIncluded: true })).replace(`"${id}"`, id).replace('"115310627314723954"', '115310627314723954')));
    const [fromGraphql] = orderEvents(parseGraphqlOrder(graphqlOrder({ id, customerId: '115310627314723954', taxesIncluded: true })));

    expect(fromGraphql).toEqual(fromWebhook);
    expect(fromGraphql).toMatchObject({ orderId: id, customerId: '115310627314723954', subtotalMinor: 15000, giftCardMinor: 2000, includedTaxMinor: 1833, at: '2026-03-01T08:05:00.000Z' });
  });

  it('pay the same with taxes on top, and leave the tax in', () => {
    const fromWebhook = toEvent('orders/paid', webhookOrder({ id: '450789469', customerId: '7001' }));
    const [fromGraphql] = orderEvents(parseGraphqlOrder(graphqlOrder({ id: '450789469', customerId: '7001' })));

    expect(fromGraphql).toEqual(fromWebhook);
    expect(fromGraphql).toMatchObject({ taxesIncluded: false, includedTaxMinor: 0 });
  });

  it('give a guest order no customer, as its webhook does', () => {
    const [paid] = orderEvents(parseGraphqlOrder(graphqlOrder({ id: '12' })));

    expect(paid).toEqual(toEvent('orders/paid', webhookOrder({ id: '12' })));
    expect(paid).not.toHaveProperty('customerId');
  });

  it('follow the payment with each refund by date (gift cards left out) and then the cancellation', () => {
    const bag = (amount: string) => ({ shopMoney: { amount, currencyCode: 'EUR' } });
    const refunds = [
      { id: 'gid://shopify/Refund/902', createdAt: '2026-03-03T00:00:00Z', refundLineItems: { nodes: [{ subtotalSet: bag('20.00'), totalTaxSet: bag('3.33'), lineItem: { isGiftCard: false } }] } },
      { id: 'gid://shopify/Refund/901', createdAt: '2026-03-02T00:00:00Z', refundLineItems: { nodes: [{ subtotalSet: bag('50.00'), totalTaxSet: null, lineItem: { isGiftCard: false } }, { subtotalSet: bag('20.00'), totalTaxSet: bag('0'), lineItem: { isGiftCard: true } }] } },
    ];
    const events = orderEvents(parseGraphqlOrder(graphqlOrder({ id: '77', customerId: '5', refunds, cancelledAt: '2026-03-04T00:00:00Z', status: 'REFUNDED' })));

    expect(events.map((event) => event.kind)).toEqual(['order-paid', 'refund-created', 'refund-created', 'order-cancelled']);
    expect(events[1]).toEqual({ kind: 'refund-created', refundId: '901', orderId: '77', at: '2026-03-02T00:00:00.000Z', currency: 'EUR', lines: [{ subtotal: '50.00', tax: '0' }] });
    expect(events[2]).toMatchObject({ refundId: '902', lines: [{ subtotal: '20.00', tax: '3.33' }] });
    expect(events[3]).toEqual({ kind: 'order-cancelled', orderId: '77', customerId: '5', at: '2026-03-04T00:00:00.000Z' });
  });

  it('the refund lines match what refunds/create gives for the same refund', () => {
    const bag = (amount: string) => ({ shopMoney: { amount, currencyCode: 'EUR' } });
    const refunds = [{ id: 'gid://shopify/Refund/901', createdAt: '2026-03-02T00:00:00Z', refundLineItems: { nodes: [{ subtotalSet: bag('50.00'), totalTaxSet: bag('8.33'), lineItem: { isGiftCard: false } }] } }];
    const [, fromGraphql] = orderEvents(parseGraphqlOrder(graphqlOrder({ id: '77', customerId: '5', refunds })));
    const fromWebhook = toEvent('refunds/create', { id: 901, order_id: 77, created_at: '2026-03-02T01:00:00+01:00', processed_at: '2026-03-02T01:00:00+01:00', refund_line_items: [{ subtotal: 50, subtotal_set: set('50.00'), total_tax: 8.33, total_tax_set: set('8.33'), line_item: { gift_card: false } }] });

    expect(fromGraphql).toEqual(fromWebhook);
  });

  it('an order not paid yet (pending, authorized) earns nothing yet; one cancelled unpaid is still cancelled', () => {
    expect(orderEvents(parseGraphqlOrder(graphqlOrder({ id: '1', customerId: '5', status: 'PENDING' })))).toEqual([]);
    expect(orderEvents(parseGraphqlOrder(graphqlOrder({ id: '1', customerId: '5', status: 'VOIDED', cancelledAt: '2026-03-02T00:00:00Z' }))).map((event) => event.kind)).toEqual(['order-cancelled']);
  });

  it('mark history from before installation as imported', () => {
    const [paid] = orderEvents(parseGraphqlOrder(graphqlOrder({ id: '1', customerId: '5' })), { imported: true });
    expect(paid).toMatchObject({ kind: 'order-paid', imported: true });
  });

  it('refuse malformed data with the order id and the reason', () => {
    const bad = { ...graphqlOrder({ id: '31', customerId: '5' }), subtotalPriceSet: { shopMoney: { amount: 'twelve', currencyCode: 'EUR' } } };
    expect(() => orderEvents(parseGraphqlOrder(bad))).toThrow(InvalidOrderError);
    expect(() => orderEvents(parseGraphqlOrder(bad))).toThrow(/order 31: subtotalPriceSet is not a money amount/);
    expect(() => parseGraphqlOrder({ ...graphqlOrder({ id: '32' }), currencyCode: 'euro' })).toThrow(/order 32: currencyCode/);
    expect(() => parseGraphqlOrder({ id: 'not-a-gid' })).toThrow(InvalidOrderError);
  });

  it('keep ids as their REST digits, whatever their size', () => {
    expect(restId('gid://shopify/Order/123456789012345678901234')).toBe('123456789012345678901234');
    expect(restId('gid://shopify/LineItem/7?x=1')).toBe('7');
  });
});

describe('a bulk result', () => {
  const order = sampleOrder({
    id: 5001,
    customerId: 9,
    createdAt: '2026-01-02T00:00:00Z',
    subtotal: '80.00',
    lines: [{ price: '50.00' }, { price: '30.00', giftCard: true }],
    refunds: [{ id: 61, createdAt: '2026-01-05T00:00:00Z', lines: [{ subtotal: '10.00' }] }],
  });
  const jsonl = [
    JSON.stringify({ ...order, lineItems: undefined, refunds: order.refunds.map(({ refundLineItems: _l, ...refund }: any) => refund) }),
    ...order.lineItems.nodes.map((line: any) => JSON.stringify({ ...line, __parentId: order.id })),
    ...order.refunds[0].refundLineItems.nodes.map((line: any) => JSON.stringify({ ...line, __parentId: order.refunds[0].id })),
    JSON.stringify({ ...sampleOrder({ id: 5002, createdAt: '2026-01-03T00:00:00Z', subtotal: '5.00' }), lineItems: undefined }),
  ];
  async function* lines() {
    yield* jsonl;
  }

  it('puts each order back together, children under their parents, and says where the next begins', async () => {
    const orders = [];
    for await (const found of bulkOrders(lines())) orders.push(found);

    expect(orders.map((found) => [found.line, found.nextLine])).toEqual([
      [0, 4],
      [4, 5],
    ]);
    expect(orderEvents(parseGraphqlOrder(orders[0]!.node))).toEqual(orderEvents(parseGraphqlOrder(order)));
  });

  it('goes on from a line', async () => {
    const orders = [];
    for await (const found of bulkOrders(lines(), 4)) orders.push(found);
    expect(orders.map((found) => (found.node as any).id)).toEqual(['gid://shopify/Order/5002']);
  });

  it('is asked for a year of orders before installation, without page sizes', () => {
    const query = historyBulkQuery(new Date('2025-06-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'));
    expect(query).toContain(`created_at:>='2025-06-01T00:00:00.000Z' AND created_at:<'2026-06-01T00:00:00.000Z'`);
    expect(query).not.toMatch(/first:/);
  });
});
