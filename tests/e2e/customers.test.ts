/**
 * The Customers screen (`#/customers`) in a real headless Chromium against the real app over
 * DynamoDB Local, App Bridge stubbed as in `admin.test.ts`: the lifecycle pyramid and the moves
 * chart from the stream's figures, the priority lists, the CSV export and a win-back reward sent.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { paidOrder } from '../support/fixtures.ts';
import { sessionToken, SHOP, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-05-01T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A loyal customer, a regular one, a new one, and a valuable one fading since 10 April. */
async function seedShop() {
  await service.store.ensureShop({ ...newShop(SHOP, new Date(NOW), 'USD'), program: parseProgram({}) });
  const deliver = async (topic: string, body: unknown) => {
    const response = await service.webhook(topic, body);
    if (response.status !== 200) throw new Error(`seeding ${topic}: ${response.status} ${await response.text()}`);
  };
  await deliver('customers/create', { id: 4, email: 'dana@example.com', first_name: 'Dana', last_name: 'Fade', created_at: '2026-01-01T09:00:00Z', updated_at: '2026-01-01T09:00:00Z' });
  const orders: [number, number, string, string][] = [
    [1, 110, '300.00', '2026-01-05'], [1, 111, '300.00', '2026-02-04'], [1, 112, '300.00', '2026-03-06'], [1, 113, '300.00', '2026-04-05'],
    [2, 201, '100.00', '2026-03-01'], [2, 202, '100.00', '2026-03-31'],
    [3, 301, '50.00', '2026-04-20'],
    [4, 401, '800.00', '2026-01-10'], [4, 402, '800.00', '2026-02-09'],
  ];
  for (const [customerId, id, subtotal, day] of orders) await deliver('orders/paid', paidOrder({ id, customerId, subtotal, at: `${day}T10:00:00Z` }));
  await service.job('lifecycle', NOW);
}

beforeAll(async () => {
  if (!runs) return;
  assertChromium();
  service = await testService(NOW);
  await seedShop();
  await service.figures();
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  const token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.clock.setFixedTime(new Date(NOW));
  await stubAppBridge(page, token);
  await page.goto(`${origin}/app?shop=${SHOP}&host=YWRtaW4&embedded=1#/customers`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe.runIf(runs)('the Customers screen, in Chromium', () => {
  it('shows the pyramid, the moves per month and the priority lists', async () => {
    await page.locator('[data-list="fading"] table').waitFor();
    const rows = await page.locator('.pyramid-row').evaluateAll((items: any[]) => items.map((item) => [item.dataset.stage, item.querySelector('.pyramid-label').textContent]));
    expect(rows.map(([stage]) => stage)).toEqual(['loyal', 'regular', 'new', 'fading', 'lost']);
    expect(rows.map(([, text]) => text.match(/^\w+ (\d+)/)?.[1])).toEqual(['1', '1', '1', '1', '0']);
    // The widest bar is full width; the chart of moves is drawn.
    const widths = await page.locator('.pyramid-bar').evaluateAll((bars: any[]) => bars.map((bar) => bar.style.width));
    expect(widths).toEqual(['100%', '100%', '100%', '100%', '0px']);
    const drawn = await page.locator('canvas').evaluate((canvas: any) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let colored = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && Math.abs(data[i] - 0x2c) < 12 && Math.abs(data[i + 1] - 0x6e) < 12 && Math.abs(data[i + 2] - 0xcb) < 12) colored++;
      return colored;
    });
    expect(drawn).toBeGreaterThan(100);
    const fading = (await page.locator('[data-list="fading"] tbody').innerText()).replace(/\s+/g, ' ');
    expect(fading).toContain('Dana Fade Fading $1,600.00 2');
    const top = await page.locator('[data-list="top"] tbody tr').allInnerTexts();
    // Named by their e-mail when Shopify sent no name (the orders' customer), highest value first.
    expect(top.map((row) => row.split('\t').slice(0, 3).join(' '))).toEqual(['ann@example.com Loyal $1,200.00', 'ann@example.com Regular $200.00', 'ann@example.com New $50.00']);
    await page.screenshot({ path: `${ARTIFACTS}/admin-customers.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('exports the fading list as CSV and sends Dana a win-back reward', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-list="fading"] button', { hasText: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('priority-fading.csv');
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/^customer_id,email,/);
    expect(csv).toContain('4,dana@example.com,Dana,Fade,fading,');

    await page.getByRole('checkbox', { name: 'Choose Dana Fade' }).check();
    await page.getByRole('button', { name: 'Send win-back reward' }).click();
    await page.getByText('Win-back reward sent to 1 customer').waitFor();
    await page.locator('[data-list="fading"] tbody', { hasText: 'Sent' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Choose Dana Fade' }).isDisabled()).toBe(true);
    const member = await service.store.getMember(SHOP, '4');
    expect(member?.winbackReward?.code).toEqual(expect.any(String));
    expect(pageErrors).toEqual([]);
  });
});
