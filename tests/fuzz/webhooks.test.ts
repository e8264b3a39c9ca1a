/**
 * Fuzzing `POST /webhooks/shopify` (fast-check): arbitrary bodies and headers, signed and not.
 * Every answer is below 500; every refusal is problem+json and writes nothing; what is accepted
 * keeps the ledger sound; nothing reaches Object.prototype.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../shared/shopify/webhook-signature.ts';
import { paidOrder, refund } from '../support/fixtures.ts';
import { SECRET, SHOP, testService } from '../support/http.ts';
import { expectAnswered, expectNoPollution, hostileBody, itemCount, jsonText, mutatedDelivery, type Service } from './hostile.ts';

/** `FUZZ_SCALE=10 npx vitest run tests/fuzz` runs ten times the cases. */
const runs = (n: number) => Math.round(n * Number(process.env.FUZZ_SCALE ?? 1));

/** A valid `customers/create` but for one byte that UTF-8 does not have (see the last tests). */
const notUtf8 = (() => {
  const text = JSON.stringify({ id: 80_014, email: 'ann@example.com', created_at: '2026-05-01T10:00:00Z' });
  const bytes = Buffer.from(text);
  bytes[text.indexOf('@')] = 0xff;
  return new Uint8Array(bytes);
})();

let service: Service;
beforeAll(async () => {
  service = await testService('2026-06-01T12:00:00Z');
});
afterAll(() => expectNoPollution());

const TOPICS = ['orders/paid', 'orders/cancelled', 'refunds/create', 'customers/create', 'customers/update', 'customers/redact', 'customers/data_request', 'shop/redact', 'app/uninstalled'];

interface Post {
  body: string | Uint8Array;
  headers: Record<string, string>;
}

const post = ({ body, headers }: Post) =>
  service.app.request(new Request('http://127.0.0.1/webhooks/shopify', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }));

const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const headersArb = fc.record({
  topic: fc.oneof(fc.constantFrom(...TOPICS), printable(40)),
  shop: fc.oneof(
    fc.constant(SHOP),
    fc.constantFrom('', 'evil.com/..', 'EVIL.MYSHOPIFY.COM', 'a'.repeat(300), '-x.myshopify.com', 'shop.myshopify.com.', 'localhost', '127.0.0.1', 'x..myshopify.com'),
    printable(60),
  ),
  webhookId: fc.option(printable(80), { nil: undefined }),
});

/** A wrong HMAC: garbage, the right length of zeros, one for another body, or one made with another secret. */
const forgedHmac = (body: string | Uint8Array) =>
  fc
    .oneof(
      fc.constantFrom('', '=', 'not base64!', 'A'.repeat(44), Buffer.alloc(32).toString('base64'), signWebhook('{}', SECRET), signWebhook(body, 'forged-secret')),
      fc.uint8Array({ minLength: 0, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    )
    // The genuine signature (of `{}`, when the body is `{}`) is no forgery.
    .filter((hmac) => hmac !== signWebhook(body, SECRET));

describe('POST /webhooks/shopify under fuzzing', () => {
  it('answers 401, writing nothing, to any body whose HMAC is missing or wrong', async () => {
    const before = await itemCount(service);
    await fc.assert(
      fc.asyncProperty(
        hostileBody.chain((body) => fc.record({ body: fc.constant(body), headers: headersArb, hmac: fc.option(forgedHmac(body), { nil: undefined }) })),
        async ({ body, headers, hmac }) => {
          const response = await post({
            body,
            headers: { 'x-shopify-topic': headers.topic, 'x-shopify-shop-domain': headers.shop, ...(hmac === undefined ? {} : { 'x-shopify-hmac-sha256': hmac }) },
          });
          await expectAnswered(response, 'forged');
          expect(response.status).toBe(401);
        },
      ),
      { numRuns: runs(150) },
    );
    expect(await itemCount(service)).toBe(before);
  }, 60_000);

  it('answers 400 (or ignores an unknown topic), writing nothing, to any signed body that is not its topic’s shape', async () => {
    const before = await itemCount(service);
    // The privacy topics need little (an object; a customer id), so random bodies can be valid ones.
    const lenient = ['shop/redact', 'app/uninstalled', 'customers/redact', 'customers/data_request'];
    const topics = fc.oneof(fc.constantFrom(...TOPICS.filter((t) => !lenient.includes(t))), printable(30));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileBody, topics, async (body, topic) => {
        const response = await post({
          body,
          headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': SHOP, 'x-shopify-webhook-id': `shape-${++n}`, 'x-shopify-hmac-sha256': signWebhook(body, SECRET) },
        });
        await expectAnswered(response, `signed ${topic}`);
        if (TOPICS.includes(topic)) expect(response.status, `${topic} accepted ${Buffer.from(body).toString('utf8').slice(0, 200)}`).toBe(400);
        else expect(await response.json()).toEqual({ outcome: 'ignored' });
      }),
      { numRuns: runs(200), examples: [[notUtf8, 'customers/update']] },
    );
    expect(await itemCount(service)).toBe(before);
  }, 60_000);

  it('answers 400 to a signed shop/redact or app/uninstalled whose body is not an object', async () => {
    for (const topic of ['shop/redact', 'app/uninstalled']) {
      for (const body of ['[]', '"shop"', '1', 'null', '{', '[{"__proto__":{}}]']) {
        const response = await post({ body, headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': SHOP, 'x-shopify-hmac-sha256': signWebhook(body, SECRET) } });
        await expectAnswered(response, `${topic} ${body}`);
        expect(response.status).toBe(400);
      }
    }
  });

  it('answers below 500 to signed payloads with hostile fields; refusals write nothing; what is accepted keeps the ledger sound', async () => {
    const customers = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mutatedDelivery, async ({ topic, body }) => {
        const before = await itemCount(service);
        const response = await post({
          body,
          headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': SHOP, 'x-shopify-webhook-id': `mutated-${Math.random()}`, 'x-shopify-hmac-sha256': signWebhook(body, SECRET) },
        });
        await expectAnswered(response, `${topic} ${body.slice(0, 400)}`);
        if (response.status !== 200) expect(await itemCount(service)).toBe(before);
        for (const match of body.matchAll(/"id":(6\d{4})/g)) customers.add(match[1]!);
      }),
      {
        numRuns: runs(250),
        examples: [[{ topic: 'orders/paid', orderId: 80_020, body: JSON.stringify(paidOrder({ id: 80_020, customerId: 60_001, subtotal: '1.00', at: '+275760-09-13T00:00:00.000Z' })) }]],
      },
    );
    for (const customerId of customers) {
      const member = await service.store.getMember(SHOP, customerId);
      if (!member) continue;
      const ledger = (await service.store.ledger(SHOP, customerId, { limit: 100 })).items;
      expect(Number.isSafeInteger(member.balance) && member.balance >= 0, `customer ${customerId}: balance ${member.balance}`).toBe(true);
      expect(ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(member.balance);
    }
  }, 90_000);

  it('answers below 500 to hostile headers on a correctly signed body', async () => {
    await fc.assert(
      fc.asyncProperty(headersArb, fc.option(printable(300), { nil: undefined }), async (headers, eventId) => {
        const body = JSON.stringify(paidOrder({ id: 80_001, customerId: 80_001, subtotal: '1.00', at: '2026-05-01T10:00:00Z' }));
        const response = await post({
          body,
          headers: {
            'x-shopify-topic': headers.topic,
            'x-shopify-shop-domain': headers.shop,
            'x-shopify-hmac-sha256': signWebhook(body, SECRET),
            ...(headers.webhookId === undefined ? {} : { 'x-shopify-webhook-id': headers.webhookId }),
            ...(eventId === undefined ? {} : { 'x-shopify-event-id': eventId }),
          },
        });
        await expectAnswered(response, JSON.stringify(headers));
      }),
      { numRuns: runs(150), examples: [[{ topic: 'orders/paid', shop: SHOP, webhookId: undefined }, 'e'.repeat(3000)]] },
    );
  }, 60_000);

  it('answers 413 to a body over 1 MiB, with or without Content-Length, and accepts one of 1 MiB', async () => {
    const order = paidOrder({ id: 80_002, customerId: 80_002, subtotal: '3.00', at: '2026-05-01T10:00:00Z' });
    const sized = (bytes: number) => {
      const text = JSON.stringify({ ...order, note: '' });
      return JSON.stringify({ ...order, note: 'x'.repeat(bytes - Buffer.byteLength(text)) });
    };
    const before = await itemCount(service);
    const over = sized(1024 * 1024 + 1);
    const headers = { 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': SHOP, 'x-shopify-hmac-sha256': signWebhook(over, SECRET) };
    const counted = await post({ body: over, headers: { ...headers, 'content-length': String(Buffer.byteLength(over)) } });
    expect(counted.status).toBe(413);
    await expectAnswered(counted, 'over 1 MiB');
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < over.length; i += 64 * 1024) controller.enqueue(Buffer.from(over.slice(i, i + 64 * 1024)));
        controller.close();
      },
    });
    const streamed = await service.app.request(
      new Request('http://127.0.0.1/webhooks/shopify', { method: 'POST', headers, body: chunks, duplex: 'half' } as RequestInit & { duplex: 'half' }),
    );
    expect(streamed.status).toBe(413);
    await expectAnswered(streamed, 'streamed over 1 MiB');
    expect(await itemCount(service)).toBe(before);

    const limit = sized(1024 * 1024);
    expect(Buffer.byteLength(limit)).toBe(1024 * 1024);
    const accepted = await post({ body: limit, headers: { 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': SHOP, 'x-shopify-hmac-sha256': signWebhook(limit, SECRET) } });
    expect(accepted.status).toBe(200);
  });
});

/** Found by the fuzzing above; each is a signed request, so only Shopify (or a replay of its body) can send it. */
describe('signed webhooks the fuzzing found answered wrongly', () => {
  const send = async (topic: string, body: string | Uint8Array, extra: Record<string, string> = {}) => {
    const before = await itemCount(service);
    const response = await post({ body, headers: { 'x-shopify-topic': topic, 'x-shopify-shop-domain': SHOP, 'x-shopify-hmac-sha256': signWebhook(body, SECRET), ...extra } });
    return { response, written: (await itemCount(service)) - before };
  };

  it('answers 400, not 500, to an X-Shopify-Webhook-Id or X-Shopify-Event-Id too long for a key', async () => {
    const body = JSON.stringify(paidOrder({ id: 80_010, customerId: 80_010, subtotal: '1.00', at: '2026-05-01T10:00:00Z' }));
    for (const header of ['x-shopify-webhook-id', 'x-shopify-event-id']) {
      const { response, written } = await send('orders/paid', body, { [header]: 'w'.repeat(3000) });
      await expectAnswered(response, header);
      expect(response.status).toBe(400);
      expect(written).toBe(0);
    }
  });

  it('answers 400, not 500, to an order dated at the edge of what a Date can hold', async () => {
    const body = JSON.stringify(paidOrder({ id: 80_011, customerId: 80_011, subtotal: '1.00', at: '+275760-09-13T00:00:00.000Z' }));
    const { response, written } = await send('orders/paid', body);
    await expectAnswered(response, 'far future');
    expect(response.status).toBe(400);
    expect(written).toBe(0);
  });

  it('refuses (400) or ignores, writing nothing, an order or refund with a negative amount', async () => {
    const order = jsonText(paidOrder({ id: 80_012, customerId: 80_012, subtotal: '-100.00', at: '2026-05-01T10:00:00Z' }));
    const negativeRefund = jsonText(refund({ id: 80_013, orderId: 80_012, subtotal: -50, at: '2026-05-02T10:00:00Z' }));
    for (const [topic, body] of [['orders/paid', order], ['refunds/create', negativeRefund]] as const) {
      const { response, written } = await send(topic, body);
      await expectAnswered(response, topic);
      expect([200, 400]).toContain(response.status);
      expect(written, `${topic} with a negative amount wrote ${written} items`).toBe(0);
    }
  });

  it('answers 400 to a body that is not UTF-8 (so not JSON), writing nothing', async () => {
    const { response, written } = await send('customers/create', notUtf8);
    await expectAnswered(response, 'not UTF-8');
    expect(response.status).toBe(400);
    expect(written).toBe(0);
  });
});
