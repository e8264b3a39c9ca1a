import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomerAccountExtension, TARGET_ENTRIES, type BuiltBundle } from '../../extensions/customer-account/build.ts';
import { eventually, installFakeWorker, type FakeElement } from '../support/customer-account-worker.ts';

const extensionDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../extensions/customer-account');
/** Customer accounts load each extension into a worker on every visit: keep each bundle small. */
const BUNDLE_BUDGET_BYTES = 80 * 1024;
const APP_URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

interface ExtensionConfig {
  api_version: string;
  extensions: {
    name: string;
    handle: string;
    type: string;
    targeting: { target: string; module: string }[];
    capabilities?: { network_access?: boolean };
  }[];
}

describe('the customer account extension build', () => {
  let outDir: string;
  let bundles: BuiltBundle[];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'customer-account-'));
    bundles = await buildCustomerAccountExtension({ outDir, appUrl: APP_URL });
  }, 120_000);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes one small ES module per target, with a default export and no Node built-ins', () => {
    expect(bundles.map((bundle) => bundle.target).sort()).toEqual(['customer-account.order-status.block.render', 'customer-account.page.render']);
    for (const bundle of bundles) {
      expect(existsSync(bundle.path)).toBe(true);
      const code = readFileSync(bundle.path, 'utf8');
      console.info(`${bundle.target}: ${(bundle.bytes / 1024).toFixed(1)} KB, ${(bundle.gzipBytes / 1024).toFixed(1)} KB gzipped`);
      expect(bundle.bytes).toBe(Buffer.byteLength(code));
      expect(bundle.bytes).toBeLessThan(BUNDLE_BUDGET_BYTES);
      expect(code).not.toMatch(/["'`]node:[a-z]/);
      expect(code).not.toMatch(/\brequire\(/);
      expect(code).toMatch(/export\s*\{[^}]*\bas default\b[^}]*\}/);
      // The backend URL is fixed at build time, and `process` is gone from the bundle.
      expect(code).toContain(APP_URL);
      expect(code).not.toContain('process.env');
    }
  });

  it('renders Polaris web components through Preact in each bundle', () => {
    const page = readFileSync(bundles.find((bundle) => bundle.target === 'customer-account.page.render')!.path, 'utf8');
    const block = readFileSync(bundles.find((bundle) => bundle.target === 'customer-account.order-status.block.render')!.path, 'utf8');

    for (const element of ['s-page', 's-section', 's-progress', 's-button', 's-banner']) expect(page).toContain(`"${element}"`);
    expect(page).toContain('/customer/member/redemptions');
    expect(block).toContain('"s-banner"');
    expect(block).toContain('/customer/orders/');
    expect(block).not.toContain('"s-page"');
  });

  it('runs the Rewards page bundle as the worker would: fetches with the session token, renders, redeems', async () => {
    const requests: { method: string; url: string; headers: Headers; body?: string }[] = [];
    const member = { customerId: '1001', enrolled: true, currency: 'USD', balance: 600, pending: 0, tier: 'Silver', tierMultiplier: 1.25, tierSpend: '800.00', nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '1500.00', remaining: '700.00', currency: 'USD' }, expiring: [], rewards: [{ id: 'five-off', name: '5 off your order', kind: 'fixed_amount', cost: 500, value: 5, validityDays: 90, affordable: true }] };
    const answers: Record<string, unknown> = {
      'GET /customer/member': member,
      'GET /customer/program': { currency: 'USD', earning: { pointsPerUnit: 1 }, signupBonus: 100, tiers: [{ name: 'Silver', minSpend: '500.00', multiplier: 1.25 }], expiry: { days: 365 }, rewards: [] },
      'GET /customer/member/activity': { entries: [], nextCursor: null },
      'POST /customer/member/redemptions': { code: 'DEMO-7KQ2XH9PRA', rewardId: 'five-off', expiresAt: '2027-02-27T12:00:00.000Z', status: 'issued', balance: 100 },
    };
    const worker = installFakeWorker(
      { sessionToken: { get: async () => 'worker-session-token' }, localization: { language: { value: { isoCode: 'en-US' } } } },
      async (input, init = {}) => {
        const url = new URL(String(input));
        const method = init.method ?? 'GET';
        requests.push({ method, url: url.href, headers: new Headers(init.headers), ...(init.body ? { body: String(init.body) } : {}) });
        return Response.json(answers[`${method} ${url.pathname}`], { status: method === 'POST' ? 201 : 200 });
      },
    );
    try {
      const extension = await import(pathToFileURL(bundles.find((bundle) => bundle.target === 'customer-account.page.render')!.path).href);
      await extension.default();
      await eventually(() => worker.body.textContent.includes('600 points') && worker.body.textContent.includes('No activity yet.'));

      expect(worker.body.all().some((element) => element.localName === 's-page' && element.getAttribute('heading') === 'Rewards')).toBe(true);
      expect(worker.body.textContent).toContain('Spend $700.00 more to reach Gold');
      const redeem = worker.body.all().find((element: FakeElement) => element.getAttribute('id') === 'redeem-five-off')!;
      redeem.click();
      await eventually(() => worker.body.textContent.includes('DEMO-7KQ2XH9PRA'));

      const post = requests.find((request) => request.method === 'POST')!;
      expect(post.url).toBe(`${APP_URL}/customer/member/redemptions`);
      expect(post.headers.get('authorization')).toBe('Bearer worker-session-token');
      expect(post.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{32,36}$/);
      expect(JSON.parse(post.body!)).toEqual({ rewardId: 'five-off' });
      for (const request of requests) expect(request.headers.get('authorization')).toBe('Bearer worker-session-token');
    } finally {
      worker.restore();
    }
  });

  it("runs the order status bundle as the worker would: the order's points for shopify.order", async () => {
    const requested: string[] = [];
    const worker = installFakeWorker(
      { sessionToken: { get: async () => 'worker-session-token' }, localization: { language: { value: { isoCode: 'de-DE' } } }, order: { value: { id: 'gid://shopify/Order/9101', name: '#1001' } } },
      async (input) => {
        requested.push(String(input));
        return Response.json({ orderId: '9101', points: 1200, pending: true, earnedAt: null });
      },
    );
    try {
      const extension = await import(pathToFileURL(bundles.find((bundle) => bundle.target === 'customer-account.order-status.block.render')!.path).href);
      await extension.default();
      await eventually(() => worker.body.textContent !== '');

      expect(requested).toEqual([`${APP_URL}/customer/orders/9101`]);
      const banner = worker.body.all().find((element) => element.localName === 's-banner');
      expect(banner?.getAttribute('tone')).toBe('info');
      expect(worker.body.textContent).toBe('This order earns 1.200 points, available after the return window.');
    } finally {
      worker.restore();
    }
  });

  it('refuses an app URL that is not an http(s) URL', async () => {
    await expect(buildCustomerAccountExtension({ outDir, appUrl: 'javascript:alert(1)' })).rejects.toThrow(/not an http\(s\) URL/);
  });
});

describe('shopify.extension.toml', () => {
  const config = parse(readFileSync(join(extensionDir, 'shopify.extension.toml'), 'utf8')) as unknown as ExtensionConfig;

  it('declares both targets for API version 2026-10, each with network access', () => {
    expect(config.api_version).toBe('2026-10');
    const targets = config.extensions.flatMap((extension) => extension.targeting.map((targeting) => targeting.target));
    expect(targets.sort()).toEqual(Object.keys(TARGET_ENTRIES).sort());
    for (const extension of config.extensions) {
      expect(extension.type).toBe('ui_extension');
      expect(extension.name).not.toBe('');
      expect(extension.capabilities?.network_access).toBe(true);
    }
  });

  it('keeps the full-page target alone in its extension, with unique handles, and points at entry files that exist', () => {
    const page = config.extensions.find((extension) => extension.targeting.some((targeting) => targeting.target === 'customer-account.page.render'))!;
    expect(page.targeting).toHaveLength(1);
    expect(page.name).toBe('Rewards');
    expect(new Set(config.extensions.map((extension) => extension.handle)).size).toBe(config.extensions.length);
    for (const extension of config.extensions) {
      expect(extension.handle).toMatch(/^[a-z0-9-]{1,30}$/);
      for (const { target, module } of extension.targeting) {
        expect(existsSync(join(extensionDir, module))).toBe(true);
        expect(join(extensionDir, module)).toBe(join(extensionDir, TARGET_ENTRIES[target as keyof typeof TARGET_ENTRIES].entry));
      }
    }
  });
});
