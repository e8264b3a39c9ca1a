/**
 * The store owner's admin (`GET /app`) in a real headless Chromium (Debian's, driven by
 * playwright-core), against the real app on a loopback port over DynamoDB Local. Shopify's CDN is
 * out of reach, so App Bridge is stubbed: the CDN URL answers a small script whose
 * `shopify.idToken()` gives a real session token, signed with the app secret as Shopify signs them.
 *
 * Browser-side callbacks are typed loosely (`any`): the test project has no DOM types, on purpose.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback } from '../support/browser.ts';
import { paidOrder } from '../support/fixtures.ts';
import { proxyQuery, sessionToken, SHOP, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
let token: string;
const pageErrors: string[] = [];

/**
 * Five members who joined over May, orders on several days (two customers ordering twice), one
 * redemption and three survey answers, all through signed webhooks and App Proxy calls.
 */
async function seedShop() {
  const deliver = async (topic: string, body: unknown) => {
    const response = await service.webhook(topic, body);
    if (response.status !== 200) throw new Error(`seeding ${topic}: ${response.status} ${await response.text()}`);
  };
  for (const [i, id] of [2001, 2002, 2003, 2004, 2005].entries()) {
    const at = `2026-05-${String(2 + i * 2).padStart(2, "0")}T09:00:00Z`;
    await deliver('customers/create', { id, email: `c${id}@example.com`, first_name: `Member${i + 1}`, created_at: at, updated_at: at });
  }
  const orders: [number, number, string, string][] = [
    [2001, 1, '120.00', '2026-05-03'],
    [2002, 2, '640.00', '2026-05-06'],
    [2001, 3, '80.00', '2026-05-12'],
    [2003, 4, '45.50', '2026-05-15'],
    [2004, 5, '210.00', '2026-05-20'],
    [2002, 6, '95.00', '2026-05-25'],
    [2005, 7, '330.00', '2026-05-28'],
  ];
  for (const [customerId, n, subtotal, day] of orders) await deliver('orders/paid', paidOrder({ id: 9000 + n, customerId, subtotal, at: `${day}T10:00:00Z` }));
  const redeemed = await service.redeem('2002', 'five-off');
  if (redeemed.status !== 201) throw new Error(`seeding the redemption: ${redeemed.status} ${await redeemed.text()}`);
  for (const [customerId, score, comment] of [['2001', 10, ''], ['2002', 9, 'Great'], ['2003', 4, 'Delivery was slow']] as const) {
    const response = await service.app.request(`/proxy/member/feedback?${proxyQuery({ customerId, at: new Date(NOW) })}`, { method: 'POST', body: JSON.stringify({ score, comment }) });
    if (response.status !== 201) throw new Error(`seeding feedback: ${response.status} ${await response.text()}`);
  }
}

beforeAll(async () => {
  assertChromium();
  service = await testService(NOW);
  await seedShop();
  // The dashboard's figures follow the change stream: wait until it is read to its end.
  await service.figures();
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  // Valid for the whole run: the service's clock stands still at NOW.
  token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

/** The admin page at `hash`, with App Bridge stubbed (or Shopify's CDN unreachable), the browser's clock at NOW. */
async function openAdmin(hash: string, options: { width?: number; appBridge?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.clock.setFixedTime(new Date(NOW));
  await page.route('https://cdn.shopify.com/**', (route) =>
    options.appBridge === false
      ? route.abort('internetdisconnected')
      : route.fulfill({ contentType: 'text/javascript', body: `window.shopify = { idToken: async () => ${JSON.stringify(token)} };` }),
  );
  const adminCalls: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/admin/')) adminCalls.push({ url: request.url(), authorization: request.headers()['authorization'] });
  });
  await page.goto(`${origin}/app?shop=test-shop.myshopify.com&host=YWRtaW4&embedded=1${hash}`);
  return { page, adminCalls };
}

/** Pixels of a chart's canvas that are drawn, and those near a colour (the data's, not the axes'). */
function canvasPixels(page: Page, title: string, rgb: [number, number, number]) {
  return page.locator(`[data-chart="${title}"] canvas`).evaluate((canvas: any, [red, green, blue]: [number, number, number]) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    let colored = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) drawn++;
      if (data[i + 3] > 200 && Math.abs(data[i] - red) < 12 && Math.abs(data[i + 1] - green) < 12 && Math.abs(data[i + 2] - blue) < 12) colored++;
    }
    return { drawn, colored };
  }, rgb);
}

const BLUE: [number, number, number] = [0x2c, 0x6e, 0xcb];
const GREEN: [number, number, number] = [0x29, 0x84, 0x5a];

describe.runIf(runs)('the store owner’s admin, in Chromium', () => {
  it('draws the dashboard’s charts with the shop’s data, every call carrying the session token', async () => {
    const { page, adminCalls } = await openAdmin('#/dashboard');

    await page.locator('[data-chart="Tiers"] canvas').waitFor();
    const titles = await page.locator('[data-chart]').evaluateAll((cards: any[]) => cards.map((card) => card.dataset.chart));
    expect(titles).toEqual(['Members', 'Repeat purchases', 'Revenue from members', 'Points', 'NPS and complaints', 'Tiers']);
    for (const title of titles) expect((await canvasPixels(page, title, BLUE)).drawn, title).toBeGreaterThan(1000);
    expect((await canvasPixels(page, 'Revenue from members', BLUE)).colored).toBeGreaterThan(200);
    expect((await canvasPixels(page, 'Members', GREEN)).colored).toBeGreaterThan(100);
    expect((await canvasPixels(page, 'Points', GREEN)).colored).toBeGreaterThan(100);
    expect((await canvasPixels(page, 'Tiers', BLUE)).colored).toBeGreaterThan(100);
    const tiles = (await page.locator('.tiles').innerText()).replace(/\s+/g, ' ');
    // The last 30 days begin on 3 May: the first member joined on 2 May.
    expect(tiles).toContain('Members 5 4 new in the range');
    expect(tiles).toContain('$1,520.50');
    expect(tiles).toMatch(/NPS 33 3 answers, 1 complaints/);
    await page.screenshot({ path: `${ARTIFACTS}/admin-dashboard.png`, fullPage: true });

    expect(adminCalls.map((call) => new URL(call.url).pathname).sort()).toEqual(['/admin/kpis', '/admin/kpis/series']);
    expect(adminCalls.every((call) => call.authorization === `Bearer ${token}`)).toBe(true);
    await page.context().close();
  });

  it('changes the range with a preset', async () => {
    const { page, adminCalls } = await openAdmin('#/dashboard');
    await page.locator('[data-chart="Tiers"] canvas').waitFor();

    await page.getByRole('button', { name: 'Last 365 days' }).click();

    await page.waitForFunction(() => (globalThis as any).document.querySelector('#range-from').value === '2025-06-02');
    await page.locator('[data-chart="Tiers"] canvas').waitFor();
    expect(adminCalls.map((call) => call.url).filter((url) => url.includes('series')).at(-1)).toContain('from=2025-06-02&to=2026-06-01&interval=month');
    await page.context().close();
  });

  it('shows a 422 problem beside its field after a bad save, then saves', async () => {
    const { page } = await openAdmin('#/program');
    const silverMinimum = page.locator('input[data-path="tiers.1.minSpend"]');

    await silverMinimum.fill('0');
    await page.getByRole('button', { name: 'Save program' }).click();

    await expect.poll(() => silverMinimum.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await silverMinimum.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`#${errorId}`).innerText()).toMatch(/Silver.*higher than Bronze/);
    expect(await page.getByRole('alert').innerText()).toContain('Not saved');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement.dataset.path)).toBe('tiers.1.minSpend');

    await silverMinimum.fill('600');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(/Saved: the program is at version \d+/).waitFor();
    expect(await page.locator('section[aria-label="History"] tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('section[aria-label="History"] tbody tr').first().innerText()).toContain('tiers');
    await page.context().close();
  });

  it('lets the store owner choose whether imported orders earn points', async () => {
    const { page } = await openAdmin('#/program');
    const earns = page.getByRole('checkbox', { name: 'Imported orders also earn points' });

    expect(await earns.isChecked()).toBe(false);
    await earns.check();
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(/Saved: the program is at version \d+/).waitFor();

    const token = await sessionToken({ at: new Date(NOW) });
    const saved = (await (await service.app.request('/admin/program', { headers: { authorization: `Bearer ${token}` } })).json()) as { program: { history: unknown } };
    expect(saved.program.history).toEqual({ importedOrdersEarnPoints: true });
    await page.context().close();
  });

  it('shows a member with their coupon, adjusts their points and explains a refusal', async () => {
    const { page } = await openAdmin('#/members');
    await page.getByRole('link', { name: '2002' }).click();

    await page.locator('[data-balance]').waitFor();
    const before = Number((await page.locator('[data-balance]').innerText()).replace(/\D/g, ''));
    expect(await page.locator('section[aria-label="Coupons"]').innerText()).toMatch(/5 off your order\s+(pending|issued)/);
    await page.getByLabel('Points (negative to take away)').fill('50');
    await page.getByLabel('Reason').fill('Goodwill for a late parcel');
    await page.getByRole('button', { name: 'Adjust' }).click();
    await page.getByText(`The balance is now ${before + 50} points.`).waitFor();
    expect(await page.locator('section[aria-label="Ledger"]').innerText()).toContain('Goodwill for a late parcel');

    await page.getByLabel('Points (negative to take away)').fill('-100000');
    await page.getByLabel('Reason').fill('Mistake');
    await page.getByRole('button', { name: 'Adjust' }).click();
    expect(await page.getByRole('alert').innerText()).toMatch(/below zero: the member has \d+ points/);
    await page.context().close();
  });

  it('settles a reward Shopify may already have: the store owner says it is not there, and the points come back', async () => {
    const member = (await (await service.app.request('/admin/members/2002', { headers: { authorization: `Bearer ${token}` } })).json()) as { coupons: { code: string; status: string }[] };
    const code = member.coupons[0]!.code;
    const coupon = (await service.store.getCoupon(SHOP, code))!;
    // As the outbox leaves a coupon whose creation's answer was lost.
    expect(await service.store.saveCoupon({ ...coupon, status: 'pending', mayExistInShopify: true, lastError: 'Shopify did not answer' }, coupon.status)).toBe(true);

    const { page } = await openAdmin('#/members/2002');
    await page.locator('[data-balance]').waitFor();
    const before = Number((await page.locator('[data-balance]').innerText()).replace(/\D/g, ''));
    expect(await page.locator('section[aria-label="Coupons"]').innerText()).toContain('Shopify may already have this discount code');
    await page.getByRole('button', { name: 'Not in Shopify: give the points back' }).click();
    await page.locator('section[aria-label="Coupons"] .badge', { hasText: 'failed' }).waitFor();
    expect(Number((await page.locator('[data-balance]').innerText()).replace(/\D/g, ''))).toBe(before + 500);
    await page.context().close();
  });

  it('finds a member by customer id and filters the list by tier', async () => {
    const { page } = await openAdmin('#/members');

    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('tbody tr').count()).toBe(5);
    await page.getByLabel('Tier').selectOption('Silver');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Customer id').fill('2005');
    await page.getByRole('button', { name: 'Find member' }).click();
    await page.getByRole('heading', { name: 'Member 2005' }).waitFor();
    await page.context().close();
  });

  it('renders the setup, or says plainly that the service does not report it', async () => {
    // The admin has been opened before (any answered request): the shop is installed.
    await service.app.request('/admin/program', { headers: { authorization: `Bearer ${await sessionToken({ at: new Date(NOW) })}` } });
    const { page } = await openAdmin('#/setup');

    await page.locator('main section.card').first().waitFor();
    expect(await page.locator('main').innerText()).toMatch(/Access to your shop[\s\S]*Webhooks[\s\S]*Mail|does not report its setup yet/);
    // The admin was opened: the year of orders before it is queued for import.
    expect(await page.locator('main').innerText()).toMatch(/Order history\s+Queued Orders from/);
    await page.context().close();
  });

  it('fits a 390 px phone with no horizontal scrolling', async () => {
    for (const hash of ['#/dashboard', '#/program', '#/members/2002']) {
      const { page } = await openAdmin(hash, { width: 390 });
      await page.locator('main section.card').first().waitFor();
      await page.waitForTimeout(300);

      const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
      expect(overflow, hash).toBeLessThanOrEqual(0);
      if (hash === '#/dashboard') await page.screenshot({ path: `${ARTIFACTS}/admin-dashboard-390.png`, fullPage: true });
      await page.context().close();
    }
  });

  it('says to open it from the Shopify admin when App Bridge is missing, and offers the local development session', async () => {
    const { page, adminCalls } = await openAdmin('', { appBridge: false });

    await page.getByRole('heading', { name: 'Open this from your Shopify admin' }).waitFor();
    await page.getByRole('link', { name: /development session for test-shop\.myshopify\.com/ }).click();
    await page.locator('[data-chart="Tiers"] canvas').waitFor();
    expect(await page.getByRole('note').innerText()).toContain('development session token');
    expect(adminCalls.length).toBeGreaterThan(0);
    expect(adminCalls.every((call) => /^Bearer ey/.test(call.authorization ?? ''))).toBe(true);
    await page.context().close();
  });
});
