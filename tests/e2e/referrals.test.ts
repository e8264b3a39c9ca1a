/**
 * Referrals in a real headless Chromium (one launch), against the real app on a loopback port over
 * DynamoDB Local: the admin's Referrals screen lists blocked referrals with their reasons and
 * approves one; in the demo store a member sees their link, and a guest who came through it claims
 * the welcome code. App Bridge is stubbed as in `admin.test.ts`; discount codes stay pending (no
 * Admin API here), which the widget shows all the same.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from '../../local/demo-store.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { paidOrder } from '../support/fixtures.ts';
import { proxyQuery, sessionToken, SHOP, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';
const REFERRALS = { enabled: true, advocatePoints: 500, friendReward: { name: '5 off your first order', kind: 'fixed_amount', value: 5 }, holdDays: 14, sameOriginLimit: 3 };

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
let advocateCode: string;
const pageErrors: string[] = [];

async function deliver(topic: string, body: unknown, shop?: string) {
  const response = await service.webhook(topic, body, shop ? { shop } : {});
  if (response.status !== 200) throw new Error(`seeding ${topic}: ${response.status} ${await response.text()}`);
}

/** Advocate 2001 in the admin's shop, whose three friends all ordered from one browser IP: three blocked referrals. */
async function seedBlocked() {
  await deliver('customers/create', { id: 2001, email: 'anna@example.com', first_name: 'Anna', last_name: 'Berg', created_at: '2026-05-01T00:00:00Z', updated_at: '2026-05-01T00:00:00Z' });
  const { referral } = await service.member('2001');
  for (const [i, email] of ['friend.one@example.org', 'friend.two@example.net', 'friend.three@example.com'].entries()) {
    const claimed = await service.app.request(`/proxy/referrals?${proxyQuery({ at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify({ code: referral.code, email }) });
    const { code } = (await claimed.json()) as { code: string };
    const order = paidOrder({ id: 7100 + i, customerId: 3100 + i, subtotal: '40.00', at: '2026-06-02T10:00:00Z' });
    await deliver('orders/paid', { ...order, browser_ip: '203.0.113.5', email, discount_codes: [{ code, amount: '5.00' }] });
  }
  await service.job('referrals', '2026-06-20T00:00:00Z');
}

beforeAll(async () => {
  assertChromium();
  service = await testService(NOW);
  for (const shop of [SHOP, DEMO_SHOP]) await service.store.ensureShop({ ...newShop(shop, new Date(NOW), 'USD'), program: parseProgram({ referrals: REFERRALS }) });
  await seedBlocked();
  await deliver('customers/create', { id: 1001, email: 'member@example.com', created_at: '2026-05-01T00:00:00Z', updated_at: '2026-05-01T00:00:00Z' }, DEMO_SHOP);
  advocateCode = (await service.member('1001', DEMO_SHOP)).referral.code;
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.clock.setFixedTime(new Date(NOW));
  return page;
}

describe.runIf(runs)('referrals, in Chromium', () => {
  it('lists the blocked referrals with their reasons in words, and approves one', async () => {
    const token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
    const page = await newPage();
    await stubAppBridge(page, token);
    await page.goto(`${origin}/app?shop=${SHOP}&host=YWRtaW4&embedded=1#/referrals`);

    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.first().innerText()).toContain('Several of this advocate’s referrals this week came from the same browser IP.');
    expect(await page.locator('#referrals-enabled').isChecked()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/admin-referrals.png`, fullPage: true });

    await rows.first().getByRole('button', { name: 'Approve: give the points' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect((await service.member('2001')).balance).toBe(600);
  });

  it('shows a member their link, and lets a guest who came through it claim the welcome code', async () => {
    const member = await newPage();
    await member.goto(`${origin}/?customer=1001&locale=en`);
    const link = member.locator('loyalty-widget').locator('#referral-link');
    await link.waitFor();
    expect(await link.inputValue()).toBe(`https://${DEMO_SHOP}/?ref=${advocateCode}`);

    const guest = await newPage();
    await guest.goto(`${origin}/?customer=&locale=en&ref=${advocateCode}`);
    const widget = guest.locator('loyalty-widget');
    await widget.getByText('A welcome gift from a friend').waitFor();
    await widget.locator('#friend-email').fill('new.friend@example.org');
    await widget.getByRole('button', { name: 'Get my code' }).click();
    const code = widget.locator('[data-welcome-code]');
    await code.waitFor();
    expect(await code.innerText()).toMatch(/^[A-Z2-9]{1,8}-[A-Z2-9]{10}$/);
    await guest.screenshot({ path: `${ARTIFACTS}/widget-referral.png`, fullPage: true });
  });
});
