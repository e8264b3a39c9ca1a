/** `GET /app`: the store owner's admin page and its script, and the local development session token. */
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminUiBundle } from '../../shared/http/admin-ui-bundle.generated.ts';
import { buildAdminUi } from '../../admin-ui/build.ts';
import { verifySessionToken } from '../../shared/shopify/session-token.ts';
import { API_KEY, SECRET, json, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
/** The page with its chart library, gzipped (script and CSS): the goal in the README and the bench. */
const GZIP_BUDGET_BYTES = 120 * 1024;
let service: Awaited<ReturnType<typeof testService>>;

beforeAll(async () => {
  service = await testService(NOW);
});

describe('GET /app', () => {
  it('answers the page: the app key and App Bridge first in the head, the script by its hash', async () => {
    const response = await service.app.request('/app?shop=test-shop.myshopify.com&host=abc&embedded=1');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe('frame-ancestors https://admin.shopify.com https://test-shop.myshopify.com');
    const head = html.slice(html.indexOf('<head>') + 6).trimStart();
    expect(head.startsWith(`<meta name="shopify-api-key" content="${API_KEY}">\n<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>`)).toBe(true);
    expect(html).toContain(`<script type="module" src="/app/assets/admin.${adminUiBundle.hash}.js"></script>`);
  });

  it('lets only Shopify’s admin frame it when the shop in the query is not a shop domain', async () => {
    const response = await service.app.request('/app?shop=evil.example.com');

    expect(response.headers.get('content-security-policy')).toBe('frame-ancestors https://admin.shopify.com');
  });

  it('serves the script under its hash for a year, gzipped when asked', async () => {
    const path = `/app/assets/admin.${adminUiBundle.hash}.js`;
    const [gzipped, plain] = await Promise.all([service.app.request(path, { headers: { 'accept-encoding': 'gzip' } }), service.app.request(path)]);

    expect(gzipped.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    const code = await plain.text();
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString('utf8')).toBe(code);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('gives an older hash today’s code, briefly cached', async () => {
    const response = await service.app.request('/app/assets/admin.000000000000.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });
});

describe('the admin page bundle', () => {
  it('is what `npm run build:admin-ui` makes of admin-ui/ today', async () => {
    const bundle = await buildAdminUi();

    expect(adminUiBundle.hash, 'admin-ui/ changed: run `npm run build:admin-ui`').toBe(bundle.hash);
    expect(adminUiBundle.css).toBe(bundle.css);
  });

  it('is at most 120 KB gzipped, Chart.js included', () => {
    const bytes = Buffer.from(adminUiBundle.gzipBase64, 'base64').length + gzipSync(adminUiBundle.css).length;

    expect(bytes).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });
});

describe('GET /dev/session-token (local only)', () => {
  it('signs a session token for the shop that the admin routes accept', async () => {
    const response = await service.app.request('/dev/session-token?shop=demo-shop.myshopify.com');
    const { token } = await json(response);

    expect(response.status).toBe(200);
    expect(await verifySessionToken(token, { apiSecret: SECRET, apiKey: API_KEY }, new Date(NOW))).toEqual({ shop: 'demo-shop.myshopify.com', userId: 'local-developer' });
    expect((await service.app.request('/admin/program', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses a shop that is not a myshopify.com domain', async () => {
    expect((await service.app.request('/dev/session-token?shop=example.com')).status).toBe(400);
  });
});
