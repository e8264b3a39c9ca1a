import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomerAccountExtension, TARGET_ENTRIES, type BuiltBundle } from '../../extensions/customer-account/build.ts';

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
