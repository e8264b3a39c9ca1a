/**
 * The demo storefront of `npm start`: a store page at `/` with the widget on it, and the Shopify
 * App Proxy emulated at `/apps/loyalty/*`. Like Shopify, the proxy signs each request's query with
 * the app secret, adds the shop, the signed-in customer (here: the one picked on the page, kept in
 * a cookie) and the time, and forwards method, body and headers to `/proxy/*`. So the widget runs
 * here exactly as in a store, through the same signature check.
 */
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { Clock } from '../shared/clock.ts';
import type { AppSecrets } from '../shared/http/deps.ts';
import { signProxyQuery } from '../shared/shopify/app-proxy-signature.ts';

/** The send-sample-webhook script's default shop, so its points show up here. */
export const DEMO_SHOP = 'demo-shop.myshopify.com';
export const DEMO_CUSTOMERS = ['1001', '1002', '1003'];
const DEMO_LOCALES = { en: 'English', ru: 'Русский', ro: 'Română', fr: 'Français', de: 'Deutsch', ja: '日本語' } as const;
type DemoLocale = keyof typeof DEMO_LOCALES;

const PROXY_PREFIX = '/apps/loyalty';
/** What Shopify sets itself: a client cannot choose these. */
const SHOPIFY_PARAMETERS = ['shop', 'logged_in_customer_id', 'path_prefix', 'timestamp', 'signature'];
const CUSTOMER_COOKIE = 'demo_customer';
const LOCALE_COOKIE = 'demo_locale';

export interface DemoStoreOptions {
  secrets: AppSecrets;
  clock: Clock;
  /** The service itself: forwarded requests go to its `/proxy/*` in process. */
  fetch: (request: Request) => Response | Promise<Response>;
}

export function demoStoreRoutes(options: DemoStoreOptions) {
  return new Hono()
    .get('/', (c) => {
      // `?customer=` (guest) or `?customer=1001`, and `?locale=`: remembered for the proxy calls.
      const customerParam = c.req.query('customer');
      const customer = customerParam === undefined ? (getCookie(c, CUSTOMER_COOKIE) ?? DEMO_CUSTOMERS[0]!) : customerParam;
      const localeParam = c.req.query('locale') ?? getCookie(c, LOCALE_COOKIE) ?? 'en';
      const locale: DemoLocale = localeParam in DEMO_LOCALES ? (localeParam as DemoLocale) : 'en';
      const customerId = /^[1-9][0-9]{0,19}$/.test(customer) ? customer : '';
      setCookie(c, CUSTOMER_COOKIE, customerId, { path: '/', sameSite: 'Lax', httpOnly: true });
      setCookie(c, LOCALE_COOKIE, locale, { path: '/', sameSite: 'Lax', httpOnly: true });
      return c.html(storePage(customerId, locale));
    })
    .all(`${PROXY_PREFIX}/*`, async (c) => {
      const incoming = new URL(c.req.url);
      const query: Record<string, string[]> = {};
      for (const [name, value] of incoming.searchParams) {
        if (!SHOPIFY_PARAMETERS.includes(name)) (query[name] ??= []).push(value);
      }
      query.shop = [DEMO_SHOP];
      query.logged_in_customer_id = [getCookie(c, CUSTOMER_COOKIE) ?? ''];
      query.path_prefix = [PROXY_PREFIX];
      query.timestamp = [String(Math.floor(options.clock().getTime() / 1000))];
      const signature = signProxyQuery(query, options.secrets.apiSecret);
      const params = new URLSearchParams();
      for (const [name, values] of Object.entries(query)) for (const value of values) params.append(name, value);
      params.append('signature', signature);

      const target = new URL(`/proxy${incoming.pathname.slice(PROXY_PREFIX.length)}?${params}`, incoming);
      const headers = new Headers(c.req.raw.headers);
      // Shopify does not pass the storefront's cookies on, nor the app's cookies back.
      headers.delete('cookie');
      const method = c.req.method;
      const body = method === 'GET' || method === 'HEAD' ? undefined : await c.req.arrayBuffer();
      const answer = await options.fetch(new Request(target, { method, headers, ...(body ? { body } : {}) }));
      const answerHeaders = new Headers(answer.headers);
      answerHeaders.delete('set-cookie');
      return new Response(answer.body, { status: answer.status, headers: answerHeaders });
    });
}

function storePage(customerId: string, locale: DemoLocale) {
  const customerOption = (value: string, label: string) => html`<option value="${value}" ${value === customerId ? 'selected' : ''}>${label}</option>`;
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Shop: rewards</title>
<script>window.Shopify = ${raw(JSON.stringify({ shop: DEMO_SHOP, locale }))};</script>
<script type="module" src="${PROXY_PREFIX}/widget.js"></script>
<style>
  /* A theme's usual rules, as in Shopify's Dawn: none of them reaches into the widget. */
  html { font-size: 62.5%; }
  body { margin: 0; font: 1.5rem/1.8 Georgia, "DejaVu Serif", serif; letter-spacing: .06rem; color: #121212; background: #fafafa; }
  h2, h3 { font-size: 3rem; text-transform: uppercase; }
  button { background: hotpink; border: 0; }
  header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .8rem; padding: 1rem 1.6rem; background: #121212; color: #fff; }
  header strong { font-size: 1.8rem; }
  header form { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; font: 1.3rem system-ui, sans-serif; letter-spacing: 0; }
  header select, header input { font: inherit; padding: .2rem .4rem; }
  header button { background: #fff; color: #121212; padding: .3rem .8rem; border-radius: .4rem; font: inherit; }
  main { max-width: 60rem; margin: 0 auto; padding: 1.6rem; }
  .note { margin-top: 2.4rem; font: 1.4rem/1.5 system-ui, sans-serif; letter-spacing: 0; color: #3d3d3d; }
  code { font-size: 1.3rem; }
</style>
</head>
<body>
<header>
  <strong>Demo Shop</strong>
  <form method="get" action="/">
    <label>Customer <select name="customer">${customerOption('', 'Guest')}${DEMO_CUSTOMERS.map((id) => customerOption(id, id))}</select></label>
    <label>Language <select name="locale">${(Object.keys(DEMO_LOCALES) as DemoLocale[]).map((value) => html`<option value="${value}" ${value === locale ? 'selected' : ''}>${DEMO_LOCALES[value]}</option>`)}</select></label>
    <button type="submit">Show</button>
  </form>
</header>
<main>
  <loyalty-widget data-locale="${locale}" data-customer-id="${customerId}" data-login-url="/?customer=${DEMO_CUSTOMERS[0]}&amp;locale=${locale}"></loyalty-widget>
  <div class="note">
    <p>This page plays a Shopify storefront (shop <code>${DEMO_SHOP}</code>). The widget calls
    <code>${PROXY_PREFIX}/*</code>, which this server signs as Shopify's App Proxy does, for
    ${customerId ? html`customer <code>${customerId}</code>` : 'a guest'}, and forwards to <code>/proxy/*</code>.</p>
    <p>Give the customer points: <code>npm run send-sample-webhook -- --customer ${customerId || DEMO_CUSTOMERS[0]} --amount 650.00</code>, then reload.</p>
    <p>Referrals: switch them on in the admin's Referrals screen (<code>/app?dev-session=1</code>); a member then sees their link here. Open it as a guest (<code>/?customer=&amp;ref=CODE</code>) to claim the friend's welcome code; <code>npm run job -- referrals --now …</code> pays the member after the hold.</p>
  </div>
</main>
</body>
</html>`;
}
