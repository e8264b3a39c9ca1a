/**
 * The storefront widget of a shop that counts in yen, in a real headless Chromium on the demo
 * store page: the program's names and descriptions in the customer's language (Russian here, as
 * the store owner translated them), money in yen with the locale's own format, and the guest's
 * earning rate as "1 point for every ¥100". One browser for the file.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from '../../local/demo-store.ts';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
const pageErrors: string[] = [];

async function admin(path: string, init: RequestInit = {}) {
  const token = await sessionToken({ at: new Date(NOW), shop: DEMO_SHOP });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
}

beforeAll(async () => {
  if (!runs) return;
  assertChromium();
  service = await testService(NOW);
  // Customer 1001: the signup bonus, then a ¥60,000 order, the shop's first: 700 points, Silver.
  const created = { id: 1001, email: 'c1001@example.com', created_at: '2026-04-01T09:00:00Z', updated_at: '2026-04-01T09:00:00Z' };
  for (const [topic, body] of [['customers/create', created], ['orders/paid', paidOrder({ id: 10010, customerId: 1001, subtotal: '60000', currency: 'JPY', at: '2026-05-01T10:00:00Z' })]] as const) {
    const response = await service.webhook(topic, body, { shop: DEMO_SHOP });
    if (response.status !== 200) throw new Error(`seeding ${topic}: ${response.status} ${await response.text()}`);
  }
  const { program } = await json(await admin('/program'));
  program.tiers[1].description = 'Points faster, all year';
  program.content = {
    defaultLocale: 'en',
    translations: {
      ru: {
        tiers: { Silver: { name: 'Серебро', description: 'Баллы быстрее весь год' }, Gold: { name: 'Золото' } },
        rewards: { 'five-off': { name: 'Скидка 500 ¥', description: 'На следующий заказ' } },
      },
    },
  };
  const saved = await admin('/program', { method: 'PUT', body: JSON.stringify(program) });
  if (saved.status !== 200) throw new Error(`saving the program: ${saved.status} ${await saved.text()}`);
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function openStore(customer: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 800, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/?customer=${customer}&locale=${locale}`);
  return page;
}

const textOf = async (page: Page, selector: string) => {
  const element = page.locator('loyalty-widget').locator(selector).first();
  await element.waitFor();
  return (await element.innerText()).replace(/\s+/g, ' ').trim();
};

describe.runIf(runs)('the widget in the customer’s language and the shop’s currency', () => {
  it('shows a member the translated tier and rewards, with yen in Russian format', async () => {
    const page = await openStore('1001', 'ru');
    await page.locator('loyalty-widget').locator('[data-balance]').waitFor();
    const tier = await textOf(page, '.tier');
    expect(tier).toContain('Уровень Серебро');
    expect(tier).toContain('Баллы быстрее весь год');
    // ¥90,000 to Gold, as Russian writes yen: "90 000 ¥" (with narrow no-break spaces).
    expect(tier).toMatch(/Ещё 90\s000\s¥ покупок до уровня Золото/);
    const rewards = await textOf(page, 'ul.list');
    expect(rewards).toContain('Скидка 500 ¥');
    expect(rewards).toContain('На следующий заказ');
    // What Russian leaves untranslated stays as the store owner wrote it.
    expect(rewards).toContain('10% off your order');
    await page.screenshot({ path: `${ARTIFACTS}/locales-member-ru.png` });
    await page.context().close();
  });

  it('tells a guest the yen earning rate as one point for every ¥100, and the thresholds in yen', async () => {
    const page = await openStore('', 'en');
    const how = await textOf(page, 'ul.list');
    expect(how).toContain('Earn 1 point for every ¥100 you spend.');
    expect(how).toContain('Silver: from ¥50,000, 1.25× points');
    expect(how).toContain('Points faster, all year');
    expect(how).toContain('¥500 off your order: 500 points');
    await page.screenshot({ path: `${ARTIFACTS}/locales-guest-en.png` });
    await page.context().close();
    expect(pageErrors).toEqual([]);
  });

  it('lets the store owner write another language on the Languages screen, with problems beside their fields', async () => {
    const token = await sessionToken({ at: new Date(NOW), shop: DEMO_SHOP, expiresIn: 3600 });
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await stubAppBridge(page, token);
    // Money in the admin carries the shop's currency: the member's spend, the program's labels.
    await page.goto(`${origin}/app?shop=${DEMO_SHOP}&host=YWRtaW4&embedded=1#/members/1001`);
    await expect.poll(async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ')).toContain('¥60,000 spent in the window');
    await page.goto(`${origin}/app?shop=${DEMO_SHOP}&host=YWRtaW4&embedded=1#/program`);
    await page.getByLabel('Minimum spend in the last 365 days (JPY)').first().waitFor();

    await page.goto(`${origin}/app?shop=${DEMO_SHOP}&host=YWRtaW4&embedded=1#/languages`);
    await page.getByLabel('Add a language').fill('fr');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByLabel('Gold: name').fill('Or');
    await page.getByLabel('Gold: description').fill('x'.repeat(301));
    await page.getByRole('button', { name: 'Save languages' }).click();
    const description = page.getByLabel('Gold: description');
    await expect.poll(() => description.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('form p.error:not([hidden])').first().innerText()).toBe('The tier "Gold"’s description in fr can be at most 300 characters long.');
    await page.screenshot({ path: `${ARTIFACTS}/locales-admin-languages.png`, fullPage: true });
    const before = await json(await admin('/program'));
    expect(before.program.content.translations.fr).toBeUndefined();

    await description.fill('Livraison offerte');
    await page.getByRole('button', { name: 'Save languages' }).click();
    await page.getByText(/Saved: the program is at version/).waitFor();
    const after = await json(await admin('/program'));
    expect(after.version).toBe(before.version + 1);
    expect(after.program.content.translations.fr).toEqual({ tiers: { Gold: { name: 'Or', description: 'Livraison offerte' } } });
    expect(after.program.content.translations.ru.tiers.Silver.name).toBe('Серебро');
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
