/**
 * `npm run build:customer-account`: bundles each target of the customer account extension with
 * esbuild, offline, into `extensions/customer-account/dist/` (one minified ES module per target:
 * `rewards-page.js`, `order-status.js`). Shopify CLI bundles the same entry files itself on
 * `shopify app deploy`; this build is for checking them (size, no Node built-ins) without the CLI.
 *
 * `LOYALTY_APP_URL` (the deployed HTTP API's base URL) is written into the bundles; unset, they
 * carry the placeholder of shopify.app.toml.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PLACEHOLDER_APP_URL } from './src/app-url.ts';

const extensionDir = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT_DIR = resolve(extensionDir, 'dist');

/** Each target's entry module and the bundle it becomes. */
export const TARGET_ENTRIES = {
  'customer-account.page.render': { entry: 'src/rewards-page-entry.tsx', bundle: 'rewards-page.js' },
  'customer-account.order-status.block.render': { entry: 'src/order-status-entry.tsx', bundle: 'order-status.js' },
} as const;

export interface BuiltBundle {
  target: string;
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface BuildOptions {
  outDir?: string;
  appUrl?: string;
}

export async function buildCustomerAccountExtension(options: BuildOptions = {}): Promise<BuiltBundle[]> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const appUrl = options.appUrl ?? (process.env.LOYALTY_APP_URL || PLACEHOLDER_APP_URL);
  if (!/^https?:\/\/[^\s"'`]+$/.test(appUrl)) throw new Error(`LOYALTY_APP_URL is not an http(s) URL: ${appUrl}`);
  mkdirSync(outDir, { recursive: true });
  const targets = Object.entries(TARGET_ENTRIES);
  const result = await build({
    entryPoints: Object.fromEntries(targets.map(([, { entry, bundle }]) => [bundle.replace(/\.js$/, ''), resolve(extensionDir, entry)])),
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    // Customer accounts run extensions in a web worker of a current browser.
    platform: 'browser',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: {
      'process.env.LOYALTY_APP_URL': JSON.stringify(appUrl),
      'process.env.NODE_ENV': '"production"',
    },
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  return targets.map(([target, { bundle }]) => {
    const path = resolve(outDir, bundle);
    const output = Object.entries(result.metafile.outputs).find(([file]) => resolve(file) === path);
    if (!output) throw new Error(`esbuild wrote no ${bundle}`);
    return { target, path, bytes: output[1].bytes, gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length };
  });
}

async function main() {
  for (const bundle of await buildCustomerAccountExtension()) {
    process.stdout.write(`${bundle.target}: ${(bundle.bytes / 1024).toFixed(1)} KB, ${(bundle.gzipBytes / 1024).toFixed(1)} KB gzipped -> ${bundle.path}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`customer account extension build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
