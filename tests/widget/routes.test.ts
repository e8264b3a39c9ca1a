/**
 * The widget's script routes, public beside the signed storefront routes, and the demo store of
 * `npm start`, which signs and forwards `/apps/loyalty/*` as Shopify's App Proxy does.
 */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from '../../local/demo-store.ts';
import { widgetBundle } from '../../shared/http/widget-bundle.generated.ts';
import { widgetJs } from '../../shared/http/widget.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, testService } from '../support/http.ts';

let service: Awaited<ReturnType<typeof testService>>;

beforeAll(async () => {
  service = await testService('2026-06-01T12:00:00Z');
  const paid = await service.webhook('orders/paid', paidOrder({ id: 5001, customerId: 1001, subtotal: '620.00', at: '2026-05-01T10:00:00Z' }), { shop: DEMO_SHOP });
  expect(paid.status).toBe(200);
});

const asCustomer = (customerId: string) => ({ cookie: `demo_customer=${customerId}` });

describe('the widget script', () => {
  it('is served at /proxy/widget.js without a signature, as a short-cached loader of the hashed module', async () => {
    const response = await service.app.request('/proxy/widget.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('etag')).toBe(`W/"${widgetBundle.hash}"`);
    expect(await response.text()).toBe(`import"./widget.${widgetBundle.hash}.js";\n`);
  });

  it('serves the hashed module as immutable, gzipped when the browser takes gzip', async () => {
    const plain = await service.app.request(`/proxy/widget.${widgetBundle.hash}.js`);
    const gzipped = await service.app.request(`/proxy/widget.${widgetBundle.hash}.js`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });

    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await plain.text()).toBe(widgetJs());
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString('utf8')).toBe(widgetJs());
  });

  it('answers 304 to a browser that has this version', async () => {
    const response = await service.app.request(`/proxy/widget.${widgetBundle.hash}.js`, { headers: { 'if-none-match': `W/"${widgetBundle.hash}"` } });

    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('answers an older version URL with the current code, cached briefly', async () => {
    const response = await service.app.request('/proxy/widget.0123456789ab.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.text()).toBe(widgetJs());
  });

  it('leaves the signature check on every other storefront route', async () => {
    for (const path of ['/proxy/program', '/proxy/member', '/proxy/widget.txt']) {
      const response = await service.app.request(path);

      expect(response.status, path).toBe(401);
      expect((await json(response)).type).toBe('https://loyalty.dev/problems/invalid-signature');
    }
  });
});

describe('the demo store', () => {
  it('serves a storefront page with the widget, in the chosen language, for the chosen customer', async () => {
    const response = await service.app.request('/?customer=1001&locale=ru');
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain('<html lang="ru">');
    expect(page).toContain('<script type="module" src="/apps/loyalty/widget.js"></script>');
    expect(page).toContain('<loyalty-widget data-locale="ru" data-customer-id="1001"');
    expect(page).toContain('window.Shopify = {"shop":"demo-shop.myshopify.com","locale":"ru"}');
    expect(response.headers.getSetCookie()).toContain('demo_customer=1001; Path=/; HttpOnly; SameSite=Lax');
  });

  it('signs /apps/loyalty/* as the App Proxy does and forwards it, for the customer in the cookie', async () => {
    const member = await service.app.request('/apps/loyalty/member', { headers: asCustomer('1001') });
    const guest = await service.app.request('/apps/loyalty/member', { headers: asCustomer('') });
    const program = await service.app.request('/apps/loyalty/program');

    expect(member.status).toBe(200);
    expect(await json(member)).toMatchObject({ customerId: '1001', balance: 620, tier: 'Silver' });
    expect(guest.status).toBe(401);
    expect((await json(guest)).type).toBe('https://loyalty.dev/problems/not-a-member');
    expect(program.status).toBe(200);
  });

  it('passes the query on, under the signature', async () => {
    const response = await service.app.request('/apps/loyalty/member/activity?limit=1', { headers: asCustomer('1001') });

    expect(response.status).toBe(200);
    expect((await json(response)).entries).toHaveLength(1);
  });

  it('never lets the page choose who is signed in', async () => {
    const response = await service.app.request('/apps/loyalty/member?logged_in_customer_id=1002&signature=00', { headers: asCustomer('1001') });

    expect((await json(response)).customerId).toBe('1001');
  });

  it('forwards a redemption with its body and Idempotency-Key', async () => {
    const redeem = () =>
      service.app.request('/apps/loyalty/member/redemptions', {
        method: 'POST',
        headers: { ...asCustomer('1001'), 'content-type': 'application/json', 'idempotency-key': 'demo-click-1' },
        body: JSON.stringify({ rewardId: 'free-shipping' }),
      });

    const first = await redeem();
    const again = await redeem();

    expect(first.status).toBe(201);
    const coupon = await json(first);
    expect(coupon).toMatchObject({ rewardId: 'free-shipping', balance: 320 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await json(again)).code).toBe(coupon.code);
  });
});
