/**
 * `GET /app`: the store owner's admin, embedded in Shopify's admin. The page is public (it holds
 * no data: every figure comes from `/admin/*`, which checks the session token App Bridge gives the
 * page); Shopify requires App Bridge's script first in the head and the app's key in a meta tag.
 *
 * `GET /app/assets/admin.<hash>.js` is the page's code under its content hash, cached for a year as
 * immutable (gzipped when the browser accepts it); the page itself is never cached, so a deploy
 * shows at the next open.
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { AppSecrets } from './deps.ts';
import { adminUiBundle } from './admin-ui-bundle.generated.ts';

export const APP_BRIDGE_SRC = 'https://cdn.shopify.com/shopifycloud/app-bridge.js';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface AdminUiBundle {
  hash: string;
  gzipBase64: string;
  css: string;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The shop from Shopify's query, when it is a shop domain: the one admin allowed to frame the page besides Shopify's own. */
function frameAncestors(shop: string | undefined): string {
  const own = shop && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop) ? ` https://${shop}` : '';
  return `frame-ancestors https://admin.shopify.com${own}`;
}

/** The page's HTML: App Bridge first, the key, the CSS inline, the code by its hash, and what shows before the code runs. */
export function appPageHtml(apiKey: string, bundle: AdminUiBundle = adminUiBundle): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta name="shopify-api-key" content="${escapeAttribute(apiKey)}">
<script src="${APP_BRIDGE_SRC}"></script>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loyalty program</title>
<style>${bundle.css}</style>
<script type="module" src="/app/assets/admin.${bundle.hash}.js"></script>
</head>
<body>
<div id="app"><main class="page"><p class="muted" role="status">Loading the loyalty program…</p>
<noscript><p>The loyalty program's admin needs JavaScript.</p></noscript></main></div>
</body>
</html>
`;
}

export function appPageRoutes(secrets: () => Promise<AppSecrets>, bundle: AdminUiBundle = adminUiBundle) {
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  let js: string | undefined;
  return new Hono()
    .get('/app', async (c) =>
      c.html(appPageHtml((await secrets()).apiKey, bundle), 200, {
        'cache-control': 'no-store',
        'content-security-policy': frameAncestors(c.req.query('shop')),
        'x-content-type-options': 'nosniff',
      }),
    )
    .get('/app/assets/:file{admin\\.[0-9a-f]{12}\\.js}', (c) => {
      // Another version's URL (a page from before a deploy) gets today's code, briefly cached.
      const current = c.req.param('file') === `admin.${bundle.hash}.js`;
      const headers: Record<string, string> = {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': current ? IMMUTABLE_CACHE : 'public, max-age=300',
        vary: 'accept-encoding',
        'x-content-type-options': 'nosniff',
      };
      gzipped ??= new Uint8Array(Buffer.from(bundle.gzipBase64, 'base64'));
      if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
      js ??= gunzipSync(gzipped).toString('utf8');
      return c.body(js, 200, headers);
    });
}
