/**
 * The Flow action "Adjust loyalty points" over real signed requests, as Shopify Flow sends them:
 * the body signed with the app secret in X-Shopify-Hmac-SHA256, retried with the same action_run_id.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../shared/shopify/webhook-signature.ts';
import { json, SECRET, SHOP, testService } from '../support/http.ts';
import { sampleCustomer } from '../support/shopify-samples.ts';

type Service = Awaited<ReturnType<typeof testService>>;

function runBody(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    shop_id: '548380009',
    shopify_domain: SHOP,
    action_run_id: randomUUID(),
    action_definition_id: 'Adjust loyalty points',
    handle: 'loyalty-adjust-points',
    properties: { step_reference: '320d4f8a-aaab-40ff-9ed2-2bc079633705', ...properties },
    ...extra,
  };
}

function flowRequest(service: Service, body: unknown, options: { secret?: string; hmac?: string | null } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.hmac !== null) headers['x-shopify-hmac-sha256'] = options.hmac ?? signWebhook(raw, options.secret ?? SECRET);
  return service.app.request('/flow/actions/adjust-points', { method: 'POST', headers, body: raw });
}

async function ledgerOf(service: Service, customerId: string) {
  return (await service.store.ledger(SHOP, customerId, { limit: 50 })).items;
}

describe('the Flow action: adjust points', () => {
  let service: Service;
  beforeAll(async () => {
    service = await testService('2026-06-01T12:00:00Z');
    const enrolled = await service.webhook('customers/create', sampleCustomer({ id: 7001, email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', createdAt: '2026-05-01T00:00:00Z' }));
    expect(enrolled.status).toBe(200);
  });

  it('adds points to a member, with the reason and Flow as who adjusted, and answers 200 with the balance', async () => {
    const response = await flowRequest(service, runBody({ customer_id: '7001', points: 250, reason: 'Reviewed a product' }));
    expect(response.status).toBe(200);
    const answer = await json(response);
    expect(answer).toMatchObject({ customerId: '7001', balance: 350, entry: { type: 'adjust', points: 250, reason: 'Reviewed a product', adjustedBy: 'shopify-flow' } });
    expect((await service.member('7001')).balance).toBe(350);
  });

  it('does a retried run (the same action_run_id) once, and answers the retry as the first time', async () => {
    const body = runBody({ customer_id: 7001, points: '40', reason: 'Birthday' });
    const first = await flowRequest(service, body);
    const again = await flowRequest(service, body);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(await json(first));
    const entries = (await ledgerOf(service, '7001')).filter((entry) => entry.reason === 'Birthday');
    expect(entries).toHaveLength(1);
    expect((await service.member('7001')).balance).toBe(390);
  });

  it('does a run once when Flow delivers it twice at the same moment', async () => {
    const body = runBody({ customer_id: 'gid://shopify/Customer/7001', points: 10, reason: 'Twice at once' });
    const answers = await Promise.all([flowRequest(service, body), flowRequest(service, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((await ledgerOf(service, '7001')).filter((entry) => entry.reason === 'Twice at once')).toHaveLength(1);
    expect((await service.member('7001')).balance).toBe(400);
  });

  it('takes points off, and refuses with a 409 problem Flow shows (and does not retry) what would go below zero', async () => {
    const taken = await flowRequest(service, runBody({ customer_id: '7001', points: -100, reason: 'Returned gift' }));
    expect(taken.status).toBe(200);
    expect((await json(taken)).balance).toBe(300);
    const refused = await flowRequest(service, runBody({ customer_id: '7001', points: -301, reason: 'Too much' }));
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(refused)).toMatchObject({ type: 'https://loyalty.dev/problems/balance-below-zero', status: 409, balance: 300, points: 301 });
    expect((await service.member('7001')).balance).toBe(300);
  });

  it('refuses a wrong or missing signature with 401, writing nothing', async () => {
    const body = runBody({ customer_id: '7002', points: 500, reason: 'Forged' });
    const wrongSecret = await flowRequest(service, body, { secret: 'not-the-secret' });
    const missing = await flowRequest(service, body, { hmac: null });
    const tampered = await flowRequest(service, JSON.stringify({ ...body, properties: { ...body.properties, points: 5000 } }), { hmac: signWebhook(JSON.stringify(body), SECRET) });
    for (const response of [wrongSecret, missing, tampered]) {
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-signature', status: 401 });
    }
    expect(await service.store.getMember(SHOP, '7002')).toBeUndefined();
    expect(await service.store.idempotencyResult(SHOP, `flow-run:${body.action_run_id}`)).toBeUndefined();
  });

  it('refuses a signed body that is not a valid run with 400, naming what is wrong, writing nothing', async () => {
    const cases: unknown[] = [
      'not json',
      runBody({ customer_id: '7003', points: 0, reason: 'Zero' }),
      runBody({ customer_id: '7003', points: 1.5, reason: 'Fraction' }),
      runBody({ customer_id: '7003', points: 'ten', reason: 'Words' }),
      runBody({ customer_id: 'someone', points: 10, reason: 'Bad id' }),
      runBody({ customer_id: '7003', points: 10, reason: '   ' }),
      runBody({ customer_id: '7003', points: 10, reason: 'Other handle' }, { handle: 'someone-elses-action' }),
      runBody({ customer_id: '7003', points: 10, reason: 'No run id' }, { action_run_id: '' }),
      runBody({ customer_id: '7003', points: 10, reason: 'Bad shop' }, { shopify_domain: 'not a domain' }),
    ];
    for (const body of cases) {
      const response = await flowRequest(service, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await json(response)).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-request', status: 400 });
    }
    const problems = (await json(await flowRequest(service, runBody({ customer_id: 'x', points: 0, reason: '' })))).problems.map((p: { path: string }) => p.path);
    expect(problems).toEqual(expect.arrayContaining(['properties.customer_id', 'properties.reason']));
    expect(await service.store.getMember(SHOP, '7003')).toBeUndefined();
  });

  it('makes a shop known from its first signed run, and enrolls a customer it gives points to', async () => {
    const other = 'flow-first.myshopify.com';
    expect(await service.store.getShop(other)).toBeUndefined();
    const response = await flowRequest(service, runBody({ customer_id: '9100', points: 75, reason: 'Welcome' }, { shopify_domain: other }));
    expect(response.status).toBe(200);
    expect((await service.store.getShop(other))?.active).toBe(true);
    expect((await service.store.getMember(other, '9100'))?.balance).toBe(75);
  });
});
