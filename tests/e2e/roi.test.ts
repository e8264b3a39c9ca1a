/**
 * "Does it pay?" (`/app#/roi`) in a real headless Chromium over the real app and DynamoDB Local, App
 * Bridge stubbed as in `admin.test.ts`: one launch, one page, a screenshot saved and looked at.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { paidOrder } from '../support/fixtures.ts';
import { sessionToken, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-15T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
let token: string;

/**
 * Customers 1 to 3 order 600.00 in March, redeem "5 off" on 20 March and order again in April (one
 * with the code, 5.00 off) and May; customers 4 to 6 order 200.00 in March and 100.00 in April;
 * customers 7 and 8 order once in May.
 */
async function seedShop() {
  const deliver = async (body: unknown) => {
    const response = await service.webhook('orders/paid', body);
    if (response.status !== 200) throw new Error(`seeding: ${response.status} ${await response.text()}`);
  };
  let id = 100;
  for (const customerId of [1, 2, 3]) await deliver(paidOrder({ id: id++, customerId, subtotal: '600.00', at: '2026-03-05T10:00:00Z' }));
  for (const customerId of [4, 5, 6]) await deliver(paidOrder({ id: id++, customerId, subtotal: '200.00', at: '2026-03-06T10:00:00Z' }));
  service.setNow('2026-03-20T10:00:00Z');
  const codes: string[] = [];
  for (const customerId of ['1', '2', '3']) {
    const response = await service.redeem(customerId, 'five-off');
    if (response.status !== 201) throw new Error(`seeding the redemption: ${response.status} ${await response.text()}`);
    codes.push(((await response.json()) as { code: string }).code);
  }
  for (const [i, customerId] of [1, 2, 3].entries()) {
    const order = paidOrder({ id: id++, customerId, subtotal: '300.00', at: '2026-04-10T10:00:00Z' });
    await deliver(i === 0 ? { ...order, discount_codes: [{ code: codes[0], amount: '5.00', type: 'fixed_amount' }] } : order);
    await deliver(paidOrder({ id: id++, customerId, subtotal: '150.00', at: '2026-05-10T10:00:00Z' }));
  }
  for (const customerId of [4, 5, 6]) await deliver(paidOrder({ id: id++, customerId, subtotal: '100.00', at: '2026-04-12T10:00:00Z' }));
  for (const customerId of [7, 8]) await deliver(paidOrder({ id: id++, customerId, subtotal: '80.00', at: '2026-05-20T10:00:00Z' }));
  service.setNow(NOW);
}

beforeAll(async () => {
  if (!runs) return;
  assertChromium();
  service = await testService(NOW);
  await seedShop();
  await service.figures();
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe.runIf(runs)('Does it pay?, in Chromium', () => {
  it('draws the comparison, says the verdict with its caveat, and tells how it is measured', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.clock.setFixedTime(new Date(NOW));
    await stubAppBridge(page, token);
    const calls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/admin/')) calls.push(request.url());
    });
    await page.goto(`${origin}/app?shop=test-shop.myshopify.com&host=YWRtaW4&embedded=1#/roi`);

    await page.locator('[data-chart="Cost and liability"] canvas').waitFor();
    expect(await page.getByRole('link', { name: 'Does it pay?' }).getAttribute('aria-current')).toBe('page');
    const titles = await page.locator('[data-chart]').evaluateAll((cards: any[]) => cards.map((card) => card.dataset.chart));
    expect(titles).toEqual(['Revenue per customer', 'Repeat rate', 'Cost and liability']);
    for (const title of titles) {
      const drawn = await page.locator(`[data-chart="${title}"] canvas`).evaluate((canvas: any) => {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let blue = 0;
        let any = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0) any++;
          // The members' colour, #2c6ecb, or the liability's, #29845a.
          if (data[i + 3] > 200 && ((Math.abs(data[i] - 0x2c) < 12 && Math.abs(data[i + 1] - 0x6e) < 12 && Math.abs(data[i + 2] - 0xcb) < 12) || (Math.abs(data[i] - 0x29) < 12 && Math.abs(data[i + 1] - 0x84) < 12 && Math.abs(data[i + 2] - 0x5a) < 12))) blue++;
        }
        return { any, blue };
      });
      expect(drawn.any, title).toBeGreaterThan(1000);
      expect(drawn.blue, title).toBeGreaterThan(30);
    }

    // April: members 300.00 each; comparable customers 100.00 each. May: members 150.00, none comparable.
    // Over the range: members 6 customer-months (3 in April, 3 in May) at 225.00; comparable 3 at 100.00.
    const verdict = await page.locator('[data-verdict] .verdict').innerText();
    expect(verdict).toContain('spent 2.3× as much per customer and month as comparable customers ($225.00 against $100.00)');
    expect(verdict).toContain('rewards used cost 0.4% of their revenue ($5.00)');
    expect(await page.locator('[data-verdict]').innerText()).toMatch(/not what the program caused.*groups are small/s);

    const april = (await page.locator('tr[data-month="2026-04"]').innerText()).replace(/\s+/g, ' ');
    // Points at the end of April: March 3 × 600 + 3 × 200 - 3 × 500 redeemed, April 3 × 375 (Silver) + 3 × 100: 2,325, at a cent each.
    expect(april).toBe('Apr 2026 3 $300.00 100%* 3 $100.00 0%* 0 0 $5.00 $23.25');
    expect(await page.locator('tbody tr').count()).toBe(12);

    const method = page.locator('details[data-method]');
    expect(await method.locator('p').first().isVisible()).toBe(false);
    await method.locator('summary').click();
    expect(await method.innerText()).toMatch(/self-selection/);
    expect(await method.innerText()).toContain('A point is valued at $5.00 per 500 points.');

    await page.screenshot({ path: `${ARTIFACTS}/admin-roi.png`, fullPage: true });
    expect(calls.map((url) => new URL(url).pathname + new URL(url).search)).toEqual(['/admin/roi?from=2025-07&to=2026-06']);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
