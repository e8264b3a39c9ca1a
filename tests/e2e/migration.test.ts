/**
 * The admin's Import & export screen in Debian's headless Chromium (one launch), against the real
 * app on loopback over DynamoDB Local, App Bridge stubbed as in `admin.test.ts`: a file with bad
 * rows shows each row's problem and offers no import; a good file is checked, then imported; the
 * export downloads every member as CSV.
 *
 * Browser-side callbacks are typed loosely (`any`): the test project has no DOM types, on purpose.
 */
import { readFileSync } from 'node:fs';
import type { ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, browserTestsRun, ARTIFACTS, launchChromium, serveOnLoopback, stubAppBridge } from '../support/browser.ts';
import { SHOP, sessionToken, testService } from '../support/http.ts';

const runs = browserTestsRun();
const NOW = '2026-06-01T12:00:00Z';

let service: Awaited<ReturnType<typeof testService>>;
let server: ServerType;
let origin: string;
let browser: Browser;
let token: string;

beforeAll(async () => {
  if (!runs) return;
  assertChromium();
  service = await testService(NOW);
  ({ server, origin } = await serveOnLoopback(service.app.fetch));
  token = await sessionToken({ at: new Date(NOW), expiresIn: 3600 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe.runIf(runs)('the Import & export screen, in Chromium', () => {
  it('lists a bad file’s problems, imports a good one, and downloads the members', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await stubAppBridge(page, token);
    await page.goto(`${origin}/app?shop=${SHOP}&host=YWRtaW4&embedded=1#/migration`);
    const file = page.locator('#import-file');

    // A LoyaltyLion export with two bad rows: each named with its column, and no import offered.
    await file.setInputFiles({ name: 'loyaltylion.csv', mimeType: 'text/csv', buffer: Buffer.from('merchant_id,email,points_approved\n3001,a@example.com,200\n3002,b@,150\n3003,c@example.com,-4\n') });
    await page.getByRole('button', { name: 'Check file' }).click();
    const problems = page.locator('#import-result table');
    await problems.waitFor();
    expect((await problems.locator('tbody tr').allInnerTexts()).map((row) => row.split('\t').slice(0, 2).join(' '))).toEqual(['3 email', '4 points_approved']);
    expect(await page.getByRole('alert').innerText()).toContain('2 rows need correcting');
    expect(await page.locator('#import-start').count()).toBe(0);
    expect(await service.store.getMember(SHOP, '3001')).toBeUndefined();

    // The corrected file: checked, then imported.
    await file.setInputFiles({ name: 'loyaltylion.csv', mimeType: 'text/csv', buffer: Buffer.from('merchant_id,email,points_approved\n3001,a@example.com,200\n3002,b@example.com,150\n') });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByRole('button', { name: 'Import 2 members' }).click();
    await page.locator('#import-progress').getByText('Imported 2 members with 350 points.').waitFor();
    expect(await service.store.getMember(SHOP, '3002')).toMatchObject({ balance: 150 });
    await page.screenshot({ path: `${ARTIFACTS}/admin-migration.png`, fullPage: true });

    // The export, as a file the browser saves.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download members (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('members-test-shop-2026-06-01.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('3001,a@example.com,,,200,0,Bronze,200,');
    expect(csv).toContain('3002,b@example.com,,,150,0,Bronze,150,');

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
