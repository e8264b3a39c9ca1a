/**
 * Where the browser tests find Chromium, and what they do without it. On a developer's machine a
 * missing Chromium skips them, with one line saying so. In CI (`.ci/run` sets
 * LOYALTY_REQUIRE_BROWSER=1) they run anyway and fail, so a green CI always means they ran.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, unless CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const required = process.env.LOYALTY_REQUIRE_BROWSER === '1';

/** Whether this machine runs the browser tests: true, or false after printing why not. */
export function browserTestsRun(): boolean {
  if (existsSync(CHROMIUM) || required) return true;
  process.stdout.write(
    `no Chromium at ${CHROMIUM}: skipping the browser tests (install Debian's chromium, or set CHROMIUM_PATH; LOYALTY_REQUIRE_BROWSER=1 makes this a failure)\n`,
  );
  return false;
}

/** Fails with what to do when Chromium is missing (the tests run only if it is there or required). */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: the browser tests need Debian's chromium (apt-get install chromium, as .ci/run does) or CHROMIUM_PATH`);
  }
}

/**
 * How the browser tests start Debian's Chromium: headless, and nothing of its own on the network
 * (known to work on small CI machines; without the background-networking flags Chromium's own
 * connections crowd out the page's and get refused in bursts).
 */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the browser tests save the screenshots to look at. */
export const ARTIFACTS = 'test-artifacts';

/** Chromium, launched for a test file, with the screenshots' folder ready. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The app served on a free loopback port, for the browser to load. */
export async function serveOnLoopback(fetch: (request: Request) => Response | Promise<Response>): Promise<{ server: ServerType; origin: string }> {
  let server!: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
  });
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** Shopify's App Bridge stood in for (its CDN is out of reach in tests): `shopify.idToken()` gives `token`. */
export async function stubAppBridge(page: Page, token: string): Promise<void> {
  await page.route('https://cdn.shopify.com/**', (route) => route.fulfill({ contentType: 'text/javascript', body: `window.shopify = { idToken: async () => ${JSON.stringify(token)} };` }));
}
