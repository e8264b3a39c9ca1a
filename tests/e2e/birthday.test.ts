/**
 * Birthdays in a real headless Chromium (one launch), against the real app on a loopback port over
 * DynamoDB Local: a member of the demo store picks a month and a day in the widget, saves, and sees
 * the date, when its points come and from when it may change; the store owner sets the birthday
 * points and the guest claim days in the admin's program editor (App Bridge stubbed).
 */
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from '../../local/demo-store.ts';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { sessionToken, SHOP, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!runs) return;
  assertChromium();
  service = await testService(NOW);
  const created = await service.webhook('customers/create', { id: 1001, email: 'member@example.com', created_at: '2026-05-01T00:00:00Z', updated_at: '2026-05-01T00:00:00Z' }, { shop: DEMO_SHOP });
  if (created.status !== 200) throw new Error(`seeding: ${created.status}`);
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe.runIf(runs)('the widget’s birthday form, in Chromium', () => {
  it('saves a month and a day, then shows the date and when its points come', async () => {
    const errors: string[] = [];
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.clock.setFixedTime(new Date(NOW));
    await page.goto(`${origin}/?customer=1001&locale=en`);
    const widget = page.locator('loyalty-widget');
    await widget.getByText('Tell us your birthday and get 200 points on the day, every year.').waitFor();
    expect(await widget.getByText('A birthday less than 30 days away gets its first points next year.').count()).toBe(1);

    await widget.locator('[data-k="birthday-month"]').selectOption('9');
    await widget.locator('[data-k="birthday-day"]').fill('15');
    await widget.getByRole('button', { name: 'Save my birthday' }).click();

    await widget.locator('[data-birthday="9-15"]').waitFor();
    expect(await widget.locator('[data-birthday="9-15"]').innerText()).toBe('Your birthday: September 15.');
    await widget.getByText('Your 200 birthday points come on September 15, 2026.').waitFor();
    expect(await widget.getByRole('button', { name: 'Save my birthday' }).count()).toBe(0);
    expect((await service.member('1001', DEMO_SHOP)).birthday).toMatchObject({ month: 9, day: 15, nextRewardOn: '2026-09-15' });
    await page.screenshot({ path: `${ARTIFACTS}/widget-birthday.png`, fullPage: true });

    // A guest is told about birthday points and guest orders in the program's list.
    await page.goto(`${origin}/?customer=&locale=en`);
    await widget.getByText('200 points every year on your birthday.').waitFor();
    expect(await widget.getByText('Ordered as a guest? Those points wait 30 days for an account opened with the same email.').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('lets the store owner set the birthday points and the guest claim days in the program editor', async () => {
    const errors: string[] = [];
    const token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    await page.clock.setFixedTime(new Date(NOW));
    await stubAppBridge(page, token);
    await page.goto(`${origin}/app?shop=${SHOP}&host=YWRtaW4&embedded=1#/program`);
    const points = page.locator('input[data-path="birthday.points"]');
    const days = page.locator('input[data-path="guests.claimDays"]');

    expect(await points.inputValue()).toBe('200');
    expect(await days.inputValue()).toBe('30');
    await points.fill('350');
    await days.fill('45');
    await page.getByRole('button', { name: 'Save program' }).click();
    await page.getByText(/Saved: the program is at version \d+/).waitFor();

    const saved = (await (await service.app.request('/admin/program', { headers: { authorization: `Bearer ${token}` } })).json()) as { program: { birthday: unknown; guests: unknown } };
    expect(saved.program).toMatchObject({ birthday: { points: 350 }, guests: { claimDays: 45 } });
    await page.locator('fieldset[data-path="birthday"]').screenshot({ path: `${ARTIFACTS}/admin-birthdays.png` });
    expect(errors).toEqual([]);
  });
});
