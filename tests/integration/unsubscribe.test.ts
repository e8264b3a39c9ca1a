import { beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { flagFading } from '../../shared/jobs/winback.ts';
import { unsubscribeUrl } from '../../shared/notify/unsubscribe.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SECRET, testService } from '../support/http.ts';

const SHOP = 'unsub-shop.myshopify.com';
let service: Awaited<ReturnType<typeof testService>>;
let nextOrder = 9000;

beforeAll(async () => {
  service = await testService('2025-06-01T12:00:00Z');
  await service.store.ensureShop({ ...newShop(SHOP, new Date('2025-01-01T00:00:00Z'), 'USD'), program: parseProgram({ reminders: { daysBefore: [30, 7] } }) });
});

async function subscribedMember(customerId: number) {
  const body = paidOrder({ id: nextOrder++, customerId, subtotal: '100.00', at: '2024-07-01T10:00:00Z' });
  body.customer.email = 'ann@example.com';
  body.customer.email_marketing_consent = { state: 'subscribed' };
  expect((await service.webhook('orders/paid', body, { shop: SHOP })).status).toBe(200);
}

async function runJob(name: string, now: string) {
  const response = await service.app.request(`/dev/jobs/${name}?now=${encodeURIComponent(now)}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return json(response);
}

const outboxFor = (customerId: string) => (service.outbox.list() as { customerId: string; unsubscribeUrl?: string; kind: string }[]).filter((message) => message.customerId === customerId);
const memberRecord = (customerId: string) => service.store.getMember(SHOP, customerId);

describe('unsubscribing from reminders and win-back', () => {
  it('works from the link in the reminder: the page asks, the POST records it, the next reminder is not sent', async () => {
    await subscribedMember(301);
    // The order's lot expires 2025-07-01; 30 days before is 2025-06-01.
    expect(await runJob('remind', '2025-06-01T09:00:00Z')).toMatchObject({ queued: 1 });
    const [reminder] = outboxFor('301');
    expect(reminder?.unsubscribeUrl).toBe(unsubscribeUrl('http://127.0.0.1:3000', SECRET, SHOP, '301'));
    const link = new URL(reminder!.unsubscribeUrl!);

    const page = await service.app.request(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<form method="post"');
    expect((await memberRecord('301'))?.contact.emailMarketing).toBe('subscribed');

    // A mail client's one-click POST (RFC 8058).
    const done = await service.app.request(`${link.pathname}${link.search}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You will no longer get e-mails');
    expect((await memberRecord('301'))?.contact.emailMarketing).toBe('unsubscribed');

    expect(await runJob('remind', '2025-06-24T09:00:00Z')).toMatchObject({ queued: 0, skipped: 1 });
    expect(outboxFor('301')).toHaveLength(1);
  });

  it('puts the link in win-back messages too', () => {
    const member = { shop: SHOP, customerId: '5', enrolledAt: '2025-01-01T00:00:00Z', balance: 10, consumed: 0, pending: 0, lifetimeEarned: 10, tier: 'Bronze', contact: { email: 'b@example.com', emailMarketing: 'subscribed' }, spendByOrder: {}, lastOrderAt: '2025-02-01T00:00:00Z', firstOrderAt: '2025-01-01T00:00:00Z', orderCount: 2, lapseAt: '2025-04-01T00:00:00Z', rev: 1 };
    const shop = { ...newShop(SHOP, new Date('2025-01-01T00:00:00Z'), 'USD'), active: true };
    const change = flagFading(member as never, shop, new Date('2025-05-01T00:00:00Z'), 'https://api.example/unsubscribe?x');
    expect(change?.notifications?.[0]).toMatchObject({ kind: 'winback', unsubscribeUrl: 'https://api.example/unsubscribe?x' });
  });

  it.each([
    ['a forged signature', (url: URL) => url.searchParams.set('sig', 'AAAA'), 401],
    ['another customer’s signature', (url: URL) => url.searchParams.set('customer', '302'), 401],
    ['no signature', (url: URL) => url.searchParams.delete('sig'), 400],
  ])('rejects %s as problem+json and stores nothing', async (_case, tamper, status) => {
    await subscribedMember(302);
    const url = new URL(unsubscribeUrl('http://127.0.0.1:3000', SECRET, SHOP, '301'));
    tamper(url);
    for (const method of ['GET', 'POST']) {
      const response = await service.app.request(`${url.pathname}${url.search}`, { method });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await memberRecord('302'))?.contact.emailMarketing).toBe('subscribed');
  });

  it('holds through unrelated customer updates, and gives way only to a consent change in Shopify after it', async () => {
    await subscribedMember(303);
    service.setNow('2025-06-01T12:00:00Z');
    const url = new URL(unsubscribeUrl('http://127.0.0.1:3000', SECRET, SHOP, '303'));
    expect((await service.app.request(`${url.pathname}${url.search}`, { method: 'POST' })).status).toBe(200);
    expect(await memberRecord('303')).toMatchObject({ unsubscribedAt: '2025-06-01T12:00:00.000Z', contact: { emailMarketing: 'unsubscribed' } });

    // An address change in Shopify: the consent it carries is the old one, from before our link.
    const consent = (at: string) => ({ state: 'subscribed', consent_updated_at: at });
    const update = (updatedAt: string, consentAt: string) => ({ id: 303, email: 'ann@example.com', created_at: '2024-01-01T00:00:00Z', updated_at: updatedAt, email_marketing_consent: consent(consentAt) });
    expect((await service.webhook('customers/update', update('2025-06-02T00:00:00Z', '2024-01-01T00:00:00Z'), { shop: SHOP })).status).toBe(200);
    await runJob('remind', '2025-06-24T09:00:00Z');
    expect(outboxFor('303')).toHaveLength(0);

    // The customer subscribes again in the store: Shopify's consent changed after the link.
    expect((await service.webhook('customers/update', update('2025-06-25T00:00:00Z', '2025-06-25T00:00:00Z'), { shop: SHOP })).status).toBe(200);
    await runJob('remind', '2025-06-25T09:00:00Z');
    expect(outboxFor('303')).toHaveLength(1);
  });
});
