import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { json, proxyQuery, SHOP, testService } from '../support/http.ts';

const NOW = '2026-05-01T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;

/** The privacy topics' bodies, in the shape Shopify sends them. */
const privacyBody = (shop: string) => ({ shop_id: 954889, shop_domain: shop });
const uninstalledBody = (shop: string) => ({ id: 954889, name: 'Shop', myshopify_domain: shop, domain: shop });

/** A customer with everything the service can hold about one: orders, points, a coupon, a message, an answer. */
async function fullCustomer(shop: string, customerId: number, orderIds: number[]) {
  for (const [i, id] of orderIds.entries()) {
    const order = paidOrder({ id, customerId, subtotal: '400.00', at: `2026-04-0${i + 1}T10:00:00Z` });
    order.customer.first_name = 'Ann';
    expect((await service.webhook('orders/paid', order, { shop })).status).toBe(200);
  }
  expect((await service.redeem(String(customerId), 'five-off', { 'idempotency-key': `redeem-${customerId}` }, shop)).status).toBe(201);
  const answer = await service.app.request(`/proxy/member/feedback?${proxyQuery({ shop, customerId: String(customerId), at: new Date(NOW) })}`, {
    method: 'POST',
    body: JSON.stringify({ score: 4, comment: 'Ann here, call me on 555-0100' }),
  });
  expect(answer.status).toBe(201);
  await service.job('winback', '2026-06-30T00:00:00Z');
}

async function itemsOf(shop: string) {
  const { Items = [] } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName }));
  return Items.map((item) => unmarshall(item)).filter((item) => JSON.stringify(item).includes(shop));
}

beforeAll(async () => {
  service = await testService(NOW);
});

describe('customers/data_request', () => {
  it('writes a complete export of what is held about the customer', async () => {
    await fullCustomer(SHOP, 7001, [11, 12]);
    const request = { ...privacyBody(SHOP), customer: { id: 7001, email: 'ann@example.com' }, orders_requested: [11, 12], data_request: { id: 9999 } };
    const response = await service.webhook('customers/data_request', request);
    expect(response.status).toBe(200);
    const [entry] = (await json(await service.app.request('/dev/outbox'))).messages.filter((m: { kind: string }) => m.kind === 'data-export');
    expect(entry.id).toBe(`exports/${SHOP}/7001/9999.json`);
    const exported = entry.document;
    expect(exported.member).toMatchObject({ customerId: '7001', contact: { email: 'ann@example.com', firstName: 'Ann' } });
    expect(exported.orders.map((o: { orderId: string }) => o.orderId).sort()).toEqual(['11', '12']);
    expect(exported.lots).toHaveLength(2);
    expect(exported.ledger.map((e: { type: string }) => e.type).sort()).toEqual(['earn', 'earn', 'redeem']);
    expect(exported.coupons).toHaveLength(1);
    expect(exported.surveyAnswers[0]).toMatchObject({ score: 4, comment: 'Ann here, call me on 555-0100' });
    expect(exported.messages[0]).toMatchObject({ notification: { kind: 'winback', email: 'ann@example.com' } });
  });
});

describe('customers/redact', () => {
  it('erases personal data and keeps the anonymous figures', async () => {
    await fullCustomer(SHOP, 7002, [21, 22]);
    const before = await service.member('7002');
    const request = { ...privacyBody(SHOP), customer: { id: 7002, email: 'ann@example.com', phone: '555-0100' }, orders_to_redact: [21, 22] };
    expect((await service.webhook('customers/redact', request)).status).toBe(200);
    const after = await service.member('7002');
    expect(after.balance).toBe(before.balance);
    const left = JSON.stringify(await itemsOf('MEMBER#test-shop.myshopify.com#7002'));
    expect(left).not.toContain('ann@example.com');
    expect(left).not.toContain('555-0100');
    expect(left).not.toContain('"Ann"');
  });
});

describe('app/uninstalled', () => {
  it('stops the shop’s coupons and messages', async () => {
    const shop = 'leaving.myshopify.com';
    await service.webhook('orders/paid', paidOrder({ id: 31, customerId: 7003, subtotal: '600.00', at: '2026-04-01T10:00:00Z' }), { shop });
    const uninstall = uninstalledBody(shop);
    expect((await service.webhook('app/uninstalled', uninstall, { shop })).status).toBe(200);
    expect(await service.store.getShop(shop)).toMatchObject({ active: false });
    const refused = await service.redeem('7003', 'five-off', {}, shop);
    expect(refused.status).toBe(409);
    expect((await json(refused)).type).toContain('program-inactive');
    await service.job('remind', '2027-03-02T09:00:00Z');
    expect(service.outbox.notifications().filter((m) => m.shop === shop)).toEqual([]);
  });
});

describe('shop/redact', () => {
  /** A shop with every kind of record the service keeps, a non-member's survey answer among them. */
  async function fullShop(shop: string) {
    await fullCustomer(shop, 7004, [41, 42]); // orders, lots, ledger, a coupon, figures, a message, an answer, rate limits, a redemption key
    await fullCustomer(shop, 7006, [43, 44]);
    // A logged-in customer who never ordered answers the survey: no member item in that partition.
    const answer = await service.app.request(`/proxy/member/feedback?${proxyQuery({ shop, customerId: '7010', at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify({ score: 2, comment: 'Bob, not a member' }) });
    expect(answer.status).toBe(201);
    await service.store.queueExportRequest({ shop, customerId: '7011', orderIds: [], requestId: '88' }, NOW);
    const current = (await service.store.getShop(shop))!;
    const changed = { ...current, programVersion: current.programVersion + 1, program: { ...current.program, pendingDays: 3 } };
    expect(await service.store.saveProgram(current, changed, { version: changed.programVersion, changedAt: NOW, changedBy: 'owner', program: changed.program, previous: current.program })).toBe(true);
    await service.figures();
    const kinds = new Set((await itemsOf(shop)).map((item) => item.entity));
    for (const kind of ['shop', 'program-version', 'member', 'lot', 'ledger', 'order', 'coupon', 'stats', 'notification', 'feedback', 'rate-limit', 'idempotency', 'export-request']) expect(kinds, kind).toContain(kind);
    expect((await itemsOf(shop)).filter((item) => item.entity === 'feedback' && item.customerId === '7010')).toHaveLength(1);
  }

  it('erases everything of the shop, and nothing of another', async () => {
    const shop = 'erased.myshopify.com';
    await fullShop(shop);
    const other = await itemsOf(SHOP);
    const response = await service.webhook('shop/redact', privacyBody(shop), { shop });
    expect(response.status).toBe(200);
    expect((await itemsOf(shop)).map((item) => [item.PK, item.SK, item.entity])).toEqual([]);
    expect(await itemsOf(SHOP)).toEqual(other);
  });

  it('finishes an erasure stopped part way, whenever it stopped, on the next run or delivery', async () => {
    const shop = 'stopped.myshopify.com';
    await fullShop(shop);
    const other = await itemsOf(SHOP);
    const total = (await itemsOf(shop)).length;
    // A run bounded to a few items at a time stops midway; each stop must leave the rest findable.
    const first = await service.store.eraseShop(shop, { maxItems: 4 });
    expect(first).toEqual({ erased: 4, done: false });
    expect(await itemsOf(shop)).toHaveLength(total - 4);
    for (let run = 0; run < 3; run++) expect((await service.store.eraseShop(shop, { maxItems: 3 })).done).toBe(false);
    // Shopify delivers shop/redact again (or the next run comes): it finishes the job.
    expect((await service.webhook('shop/redact', privacyBody(shop), { shop })).status).toBe(200);
    expect((await itemsOf(shop)).map((item) => [item.PK, item.SK, item.entity])).toEqual([]);
    expect(await itemsOf(SHOP)).toEqual(other);
  });

  it('leaves nothing behind whatever prefix of the erasure ran before a stop', async () => {
    const shop = 'killed.myshopify.com';
    await fullShop(shop);
    let runs = 0;
    for (let result = { done: false }; !result.done; runs++) result = await service.store.eraseShop(shop, { maxItems: 2 });
    expect(runs).toBeGreaterThan(10);
    expect((await itemsOf(shop)).map((item) => [item.PK, item.SK, item.entity])).toEqual([]);
  });
});

describe('customers/data_request in the cloud', () => {
  it('queues the export once, and the export-data job writes it once', async () => {
    const { DeferredExportSink } = await import('../../shared/privacy/deferred-exports.ts');
    const { processDelivery } = await import('../../shared/shopify/deliveries.ts');
    const { runJob } = await import('../../shared/jobs/jobs.ts');
    await fullCustomer(SHOP, 7005, [51, 52]);
    const queue = new DeferredExportSink(service.store, () => new Date(NOW));
    const delivery = { shop: SHOP, topic: 'customers/data_request', webhookId: 'dr-1', event: { kind: 'customer-data-request' as const, customerId: '7005', orderIds: ['51'], requestId: '77' } };
    expect(await processDelivery(service.store, delivery, new Date(NOW), { exports: queue })).toMatchObject({ detail: { location: `queued:exports/${SHOP}/7005/77.json` } });
    await processDelivery(service.store, delivery, new Date(NOW), { exports: queue }); // SQS delivers twice

    const written: { name: string; document: Record<string, unknown> }[] = [];
    const bucket = { export: async (request: { shop: string; customerId: string; requestId: string }, build: () => Promise<Record<string, unknown>>) => {
      const name = `exports/${request.shop}/${request.customerId}/${request.requestId}.json`;
      written.push({ name, document: await build() });
      return `s3://bucket/${name}`;
    } };
    const deps = { store: service.store, discounts: { issue: async () => ({ kind: 'rejected' as const, reason: 'none' }) }, notifier: { send: async () => {} }, exports: bucket };
    expect(await runJob('export-data', deps, new Date('2026-05-01T12:15:00Z'))).toMatchObject({ written: 1, failed: 0 });
    expect(await runJob('export-data', deps, new Date('2026-05-01T12:30:00Z'))).toMatchObject({ written: 0 });
    expect(written).toHaveLength(1);
    expect(written[0]?.document).toMatchObject({ customerId: '7005', orders: [{ orderId: '51' }] });
  });
});
