import { beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { paidOrder, refund } from '../support/fixtures.ts';
import { json, sessionToken, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

async function itemCount(service: Service): Promise<number> {
  const { Count } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

describe('earning rules over signed webhooks', () => {
  let service: Service;
  beforeAll(async () => {
    service = await testService('2025-06-01T00:00:00Z');
  });

  it('keeps order, refund and customer ids beyond 2^53 exactly', async () => {
    const shop = 'big-ids.myshopify.com';
    // Written as JSON text: a JavaScript number cannot hold these ids.
    const order = JSON.stringify(paidOrder({ id: 1, customerId: 2, subtotal: '40.00', at: '2025-05-01T10:00:00Z' }))
      .replace('"id":1,', '"id":9007199254740993123,')
      .replace('"id":2,', '"id":9007199254740995777,');
    expect((await service.webhook('orders/paid', order, { shop })).status).toBe(200);
    const refundBody = JSON.stringify(refund({ id: 3, orderId: 4, subtotal: '10.00', at: '2025-05-02T10:00:00Z' }))
      .replace('"id":3,', '"id":9007199254740997001,')
      .replace('"order_id":4,', '"order_id":9007199254740993123,');
    expect((await service.webhook('refunds/create', refundBody, { shop })).status).toBe(200);

    const member = await service.member('9007199254740995777', shop);
    expect(member).toMatchObject({ customerId: '9007199254740995777', balance: 30 });
    const activity = await json(await service.proxy('/member/activity', { customerId: '9007199254740995777', shop }));
    expect(activity.entries.map((e: { orderId?: string; refundId?: string }) => [e.orderId, e.refundId ?? null])).toEqual(
      expect.arrayContaining([
        ['9007199254740993123', null],
        ['9007199254740993123', '9007199254740997001'],
      ]),
    );
  });

  it('keeps a refund that arrives before its order as decimal text, whatever JSON number it carries', async () => {
    const shop = 'early-refund.myshopify.com';
    // 5e-324 is a JSON number DynamoDB cannot store; kept as text until the order names the currency.
    const body = JSON.stringify(refund({ id: 91, orderId: 92, subtotal: '1.00', at: '2025-05-02T10:00:00Z' })).replace('"subtotal":"1.00"', '"subtotal":5e-324');
    expect((await service.webhook('refunds/create', body, { shop })).status).toBe(200);
    expect((await service.webhook('orders/paid', paidOrder({ id: 92, customerId: 93, subtotal: '30.00', at: '2025-05-01T10:00:00Z' }), { shop })).status).toBe(200);
    expect((await service.member('93', shop)).balance).toBe(30);
  });

  it('earns nothing on gift cards bought, and as usual on an order paid with one', async () => {
    const shop = 'gift-cards.myshopify.com';
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' }, presentment_money: { amount, currency_code: 'USD' } });
    const giftCardOnly = {
      ...paidOrder({ id: 11, customerId: 21, subtotal: '50.00', at: '2025-05-01T10:00:00Z' }),
      line_items: [{ id: 1, gift_card: true, price: '50.00', price_set: set('50.00'), quantity: 1, discount_allocations: [], tax_lines: [] }],
    };
    const paidWithGiftCard = { ...paidOrder({ id: 12, customerId: 21, subtotal: '30.00', at: '2025-05-02T10:00:00Z' }), payment_gateway_names: ['gift_card'] };
    expect(await json(await service.webhook('orders/paid', giftCardOnly, { shop }))).toMatchObject({ outcome: 'applied', points: 0 });
    expect(await json(await service.webhook('orders/paid', paidWithGiftCard, { shop }))).toMatchObject({ outcome: 'applied', points: 30 });
    expect(await service.member('21', shop)).toMatchObject({ balance: 30, tierSpend: '30.00' });
  });

  it('answers 422 for an order in another currency than the shop’s, and records nothing of it', async () => {
    const shop = 'euro-shop.myshopify.com';
    expect((await service.webhook('orders/paid', paidOrder({ id: 31, customerId: 41, subtotal: '20.00', at: '2025-05-01T10:00:00Z', currency: 'EUR' }), { shop })).status).toBe(200);
    const before = await itemCount(service);
    const response = await service.webhook('orders/paid', paidOrder({ id: 32, customerId: 41, subtotal: '20.00', at: '2025-05-02T10:00:00Z', currency: 'USD' }), { shop });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(response)).toMatchObject({ type: 'https://loyalty.dev/problems/currency-mismatch', currency: 'USD', shopCurrency: 'EUR' });
    expect(await itemCount(service)).toBe(before);
    expect((await service.member('41', shop)).balance).toBe(20);
  });

  it('rates an order by the orders earlier the same day, and re-rates it when an earlier one arrives late', async () => {
    const shop = 'same-day.myshopify.com';
    await service.webhook('orders/paid', paidOrder({ id: 52, customerId: 61, subtotal: '100.00', at: '2025-05-01T18:00:00Z' }), { shop });
    expect((await service.member('61', shop)).balance).toBe(100);
    // The morning's order arrives late: 600.00 lifts the evening's order to Silver (x1.25).
    await service.webhook('orders/paid', paidOrder({ id: 51, customerId: 61, subtotal: '600.00', at: '2025-05-01T09:00:00Z' }), { shop });
    expect(await service.member('61', shop)).toMatchObject({ balance: 725, tier: 'Silver' });
  });

  it('takes a cancelled order out of the order count and the last order date', async () => {
    const shop = 'cancelled.myshopify.com';
    const first = paidOrder({ id: 71, customerId: 81, subtotal: '10.00', at: '2025-04-01T10:00:00Z' });
    const second = paidOrder({ id: 72, customerId: 81, subtotal: '10.00', at: '2025-05-01T10:00:00Z' });
    for (const body of [first, second]) await service.webhook('orders/paid', body, { shop });
    await service.webhook('orders/cancelled', { ...second, cancelled_at: '2025-05-02T10:00:00Z' }, { shop });
    const token = await sessionToken({ shop, at: new Date('2025-06-01T00:00:00Z') });
    const member = await json(await service.app.request('/admin/members/81', { headers: { authorization: `Bearer ${token}` } }));
    expect(member).toMatchObject({ orderCount: 1, lastOrderAt: '2025-04-01T10:00:00.000Z' });
  });
});
