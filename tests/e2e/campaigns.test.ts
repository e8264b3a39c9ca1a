/**
 * The admin's Campaigns screen in a real headless Chromium (one launch), against the real app on
 * a loopback port over DynamoDB Local, App Bridge stubbed as in `admin.test.ts`: a running
 * campaign is listed and refuses an overlapping one by name (409), a missing name shows beside its
 * field (422), ending the running one lets the new one be scheduled. The storefront widget shows
 * the running campaign's banner.
 */
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from '../../local/demo-store.ts';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { sessionToken, SHOP, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';
const LAUNCH = { name: 'Launch week', startsAt: NOW, endsAt: '2026-06-08T00:00:00Z', kind: 'multiplier', multiplier: 2, target: { type: 'all' } };

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
const pageErrors: string[] = [];

async function schedule(shop: string) {
  const token = await sessionToken({ at: new Date(NOW), shop });
  const response = await service.app.request('/admin/campaigns', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(LAUNCH) });
  if (response.status !== 201) throw new Error(`seeding a campaign: ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  assertChromium();
  service = await testService(NOW);
  await schedule(SHOP);
  await schedule(DEMO_SHOP);
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
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.clock.setFixedTime(new Date(NOW));
  return page;
}

describe.runIf(runs)('campaigns, in Chromium', () => {
  it('lists the running campaign, names it when a new one overlaps, and schedules once it is ended', async () => {
    const token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
    const page = await newPage();
    await stubAppBridge(page, token);
    await page.goto(`${origin}/app?shop=${SHOP}&host=YWRtaW4&embedded=1#/campaigns`);

    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toMatch(/Launch week\s+Running/);

    const form = page.getByRole('form', { name: 'Schedule a campaign' });
    await form.getByRole('button', { name: 'Schedule campaign' }).click();
    const name = form.getByLabel('Name customers see');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator(`#${await name.getAttribute('id')}-error`).innerText()).toBe('Give the campaign a name.');

    await name.fill('Double points weekend');
    await form.getByRole('button', { name: 'Schedule campaign' }).click();
    await form.getByRole('alert').filter({ hasText: 'Launch week' }).waitFor();

    await rows.first().getByRole('button', { name: 'End Launch week now' }).click();
    await page.getByText('Launch week has ended.').waitFor();
    await form.getByRole('button', { name: 'Schedule campaign' }).click();
    await page.getByText('Double points weekend is scheduled.').waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allInnerTexts()).toEqual([expect.stringMatching(/Double points weekend\s+Scheduled/), expect.stringMatching(/Launch week\s+Ended/)]);
    await page.screenshot({ path: `${ARTIFACTS}/admin-campaigns.png`, fullPage: true });
  });

  it('shows the running campaign as a banner in the storefront widget', async () => {
    const guest = await newPage();
    await guest.goto(`${origin}/?customer=&locale=en`);
    const banner = guest.locator('loyalty-widget').locator('.campaign');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/^Launch week\n2× points on every order, until Jun 8, 2026\.$/);
    await guest.screenshot({ path: `${ARTIFACTS}/widget-campaign.png`, fullPage: true });
  });
});
