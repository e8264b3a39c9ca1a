import { beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { paidOrder, refund } from '../support/fixtures.ts';
import { SAMPLE_CANCELLATION, SAMPLE_CUSTOMER, SAMPLE_ORDER_TO_CANCEL, SAMPLE_PAID_ORDER, SAMPLE_REFUND } from '../support/shopify-samples.ts';
import { json, testService, webhookRequest } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

async function itemCount(service: Service): Promise<number> {
  const { Count } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

describe('POST /webhooks/shopify', () => {
  let service: Service;
  beforeAll(async () => {
    service = await testService('2025-04-10T00:00:00Z');
  });

  it('earns on a paid order in Shopify’s shape, rounding down', async () => {
    const response = await service.webhook('orders/paid', SAMPLE_PAID_ORDER);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ outcome: 'applied', points: 81 });
    expect(await service.member('7390254018811')).toMatchObject({ balance: 81, tier: 'Bronze', nextTier: { name: 'Silver', remaining: '418.25' } });
  });

  it('answers a repeated delivery 200 with no second effect', async () => {
    const body = paidOrder({ id: 501, customerId: 8001, subtotal: '50.00', at: '2025-04-05T10:00:00Z' });
    const first = await service.webhook('orders/paid', body, { webhookId: 'w-501' });
    const again = await service.webhook('orders/paid', body, { webhookId: 'w-501' });
    const retried = await service.webhook('orders/paid', body, { webhookId: 'w-501-new-id' });
    expect([first.status, again.status, retried.status]).toEqual([200, 200, 200]);
    expect((await json(again)).outcome).toBe('duplicate');
    expect((await json(retried)).outcome).toBe('duplicate');
    expect((await service.member('8001')).balance).toBe(50);
  });

  it('applies 20 concurrent deliveries of one webhook once', async () => {
    const body = paidOrder({ id: 601, customerId: 8101, subtotal: '80.00', at: '2025-04-05T10:00:00Z' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.webhook('orders/paid', body, { webhookId: 'w-601' })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const outcomes = await Promise.all(answers.map(async (a) => (await json(a)).outcome));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    const member = await service.member('8101');
    expect(member.balance).toBe(80);
    const activity = await json(await service.proxy('/member/activity', { customerId: '8101' }));
    expect(activity.entries).toHaveLength(1);
  });

  it('loses no update under 20 concurrent distinct orders for one member', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => service.webhook('orders/paid', paidOrder({ id: 700 + i, customerId: 8201, subtotal: '10.00', at: '2025-04-05T10:00:00Z' }))),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const member = await service.member('8201');
    expect(member.balance).toBe(200);
    expect(member.tierSpend).toBe('200.00');
    const activity = await json(await service.proxy('/member/activity', { customerId: '8201', extra: { limit: '100' } }));
    expect(activity.entries).toHaveLength(20);
  });

  it('reaches the same state when the cancellation arrives before the payment', async () => {
    const order = paidOrder({ id: 801, customerId: 8301, subtotal: '120.00', at: '2025-04-05T10:00:00Z' });
    const cancelled = { ...order, cancelled_at: '2025-04-06T10:00:00Z', financial_status: 'refunded' };
    expect((await service.webhook('orders/cancelled', cancelled)).status).toBe(200);
    expect((await service.webhook('orders/paid', order)).status).toBe(200);
    const member = await service.member('8301');
    expect(member).toMatchObject({ balance: 0, tierSpend: '0.00' });
    // In order, for comparison:
    const inOrder = { ...order, id: 802, customer: { ...order.customer, id: 8302 } };
    await service.webhook('orders/paid', inOrder);
    await service.webhook('orders/cancelled', { ...inOrder, cancelled_at: '2025-04-06T10:00:00Z' });
    expect(await service.member('8302')).toMatchObject({ balance: 0, tierSpend: '0.00' });
  });

  it('never reverses more than the order earned, however many partial refunds', async () => {
    await service.webhook('orders/paid', paidOrder({ id: 901, customerId: 8401, subtotal: '100.00', at: '2025-04-05T10:00:00Z' }));
    await service.webhook('orders/paid', paidOrder({ id: 902, customerId: 8401, subtotal: '30.00', at: '2025-04-05T11:00:00Z' }));
    const first = await service.webhook('refunds/create', refund({ id: 1, orderId: 901, subtotal: 60, at: '2025-04-06T00:00:00Z' }));
    const second = await service.webhook('refunds/create', refund({ id: 2, orderId: 901, subtotal: '60.00', at: '2025-04-07T00:00:00Z' }));
    expect([first.status, second.status]).toEqual([200, 200]);
    const member = await service.member('8401');
    expect(member.balance).toBe(30);
    expect(member.tierSpend).toBe('30.00');
    const activity = await json(await service.proxy('/member/activity', { customerId: '8401' }));
    expect(activity.entries.map((e: any) => [e.type, e.points])).toEqual([
      ['reverse', -40],
      ['reverse', -60],
      ['earn', 30],
      ['earn', 100],
    ]);
  });

  it('applies a refund that arrives before its order once the order is paid', async () => {
    await service.webhook('refunds/create', refund({ id: 11, orderId: 1001, subtotal: '25.00', at: '2025-04-06T00:00:00Z' }));
    await service.webhook('orders/paid', paidOrder({ id: 1001, customerId: 8501, subtotal: '100.00', at: '2025-04-05T10:00:00Z' }));
    expect(await service.member('8501')).toMatchObject({ balance: 75, tierSpend: '75.00' });
  });

  it('reverses a refund of some lines, then the order’s cancellation', async () => {
    await service.webhook('orders/paid', SAMPLE_ORDER_TO_CANCEL);
    expect((await service.member('7390254100002')).balance).toBe(264);
    // 152.91 of 264.00 refunded: floor(264 × 15291 / 26400) = 152 points.
    const refunded = await service.webhook('refunds/create', SAMPLE_REFUND);
    expect(await json(refunded)).toMatchObject({ outcome: 'applied', points: -152 });
    expect((await service.member('7390254100002')).balance).toBe(112);
    const cancellation = await service.webhook('orders/cancelled', SAMPLE_CANCELLATION);
    expect(await json(cancellation)).toMatchObject({ outcome: 'applied', points: -112 });
    expect((await service.member('7390254100002')).balance).toBe(0);
  });

  it('enrolls with the signup bonus on customers/create, once', async () => {
    await service.webhook('customers/create', SAMPLE_CUSTOMER);
    await service.webhook('customers/create', SAMPLE_CUSTOMER);
    const member = await service.member('7390254200003');
    expect(member.balance).toBe(100);
  });

  it('keeps the newest contact data and consent from customers/update', async () => {
    const base = { id: 8601, email: 'old@example.com', created_at: '2025-04-01T00:00:00Z', email_marketing_consent: { state: 'subscribed' } };
    await service.webhook('customers/update', { ...base, updated_at: '2025-04-03T00:00:00Z', email: 'new@example.com', email_marketing_consent: { state: 'unsubscribed' } });
    await service.webhook('customers/update', { ...base, updated_at: '2025-04-02T00:00:00Z' });
    const member = await service.store.getMember('test-shop.myshopify.com', '8601');
    expect(member?.contact).toMatchObject({ email: 'new@example.com', emailMarketing: 'unsubscribed' });
  });

  it('earns nothing for a guest order', async () => {
    const response = await service.webhook('orders/paid', paidOrder({ id: 1101, customerId: null, subtotal: '100.00', at: '2025-04-05T10:00:00Z' }));
    expect(response.status).toBe(200);
    expect((await json(response)).outcome).toBe('no-effect');
  });

  it('acknowledges and ignores a topic it does not handle', async () => {
    const response = await service.webhook('products/update', { id: 1 });
    expect(response.status).toBe(200);
    expect((await json(response)).outcome).toBe('ignored');
  });
});

describe('POST /webhooks/shopify, rejected', () => {
  let service: Service;
  beforeAll(async () => {
    service = await testService('2025-04-10T00:00:00Z');
  });

  const expectProblem = async (response: Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await json(response);
    expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    return body;
  };

  it('answers 401 to a forged or missing signature and records nothing', async () => {
    const order = paidOrder({ id: 1, customerId: 9001, subtotal: '100.00', at: '2025-04-05T10:00:00Z' });
    await expectProblem(await service.webhook('orders/paid', order, { secret: 'not-the-secret' }), 401);
    await expectProblem(await service.webhook('orders/paid', order, { hmac: null }), 401);
    await expectProblem(await service.webhook('orders/paid', order, { hmac: '' }), 401);
    expect(await itemCount(service)).toBe(0);
  });

  it('answers 400 to a body that is not JSON or not its topic’s shape, and records nothing', async () => {
    await expectProblem(await service.webhook('orders/paid', '{"id": 1,'), 400);
    await expectProblem(await service.webhook('orders/paid', { id: 1 }), 400);
    await expectProblem(await service.webhook('refunds/create', { id: 1, order_id: 2, created_at: 'yesterday', refund_line_items: [] }), 400);
    await expectProblem(await service.webhook('orders/paid', { ...paidOrder({ id: 2, customerId: 1, subtotal: '1', at: '2025-01-01T00:00:00Z' }), subtotal_price_set: null, subtotal_price: 'NaN' }), 400);
    expect(await itemCount(service)).toBe(0);
  });

  it('answers 400 without a shop domain, and ignores a signed delivery without a topic', async () => {
    const body = paidOrder({ id: 3, customerId: 1, subtotal: '1', at: '2025-01-01T00:00:00Z' });
    await expectProblem(await service.app.request(webhookRequest('orders/paid', body, { shop: '' })), 400);
    const untitled = await service.app.request(webhookRequest('', body));
    expect(untitled.status).toBe(200);
    expect(await json(untitled)).toEqual({ outcome: 'ignored' });
    expect(await itemCount(service)).toBe(0);
  });

  it('answers 413 to a body over the limit, accepts one of 1 MiB', async () => {
    const order = paidOrder({ id: 4, customerId: 9002, subtotal: '10.00', at: '2025-04-05T10:00:00Z' });
    const padded = (bytes: number) => {
      const text = JSON.stringify({ ...order, note: '' });
      return text.replace('"note":""', `"note":"${'x'.repeat(bytes - text.length)}"`);
    };
    const atLimit = padded(1024 * 1024);
    expect(Buffer.byteLength(atLimit)).toBe(1024 * 1024);
    expect((await service.webhook('orders/paid', atLimit)).status).toBe(200);
    await expectProblem(await service.webhook('orders/paid', padded(2 * 1024 * 1024)), 413);
  });
});
