/**
 * Setup: whether the shop's installation works — webhooks arriving, the Admin API access token,
 * mail — from `GET /admin/setup`, with what to do about anything missing. A service without that
 * route (404) gets a plain note instead.
 */
import { ApiError, api, failure } from './api.ts';
import { banner, card, dateTime, h, show, table } from './dom.ts';

type Setup = {
  accessToken: { status: 'ok' | 'missing' | 'needs-reauth' | 'override'; expiresAt?: string };
  webhooks: { topic: string; lastDeliveryAt: string | null }[];
  mail: { configured: boolean; sender?: string; configurationSet?: string };
  history?: { from: string; until: string; state: 'queued' | 'exporting' | 'importing' | 'done' | 'given-up'; lastError?: string };
};

const HISTORY: Record<NonNullable<Setup['history']>['state'], { ok: boolean | 'warn'; label: string; what: string }> = {
  queued: { ok: 'warn', label: 'Queued', what: 'Shopify is asked for the orders within the hour (the app needs its access to your shop first).' },
  exporting: { ok: 'warn', label: 'Shopify is exporting', what: 'Shopify is preparing the orders; the app reads them as soon as they are ready.' },
  importing: { ok: 'warn', label: 'Importing', what: 'The orders are being counted toward tiers and figures; large shops take a few hours.' },
  done: { ok: true, label: 'Imported', what: 'Tiers, lifetime spend and the figures include these orders.' },
  'given-up': { ok: false, label: 'Not imported', what: 'Shopify could not export the orders after several tries; tiers count the orders since installation. Contact the service operator.' },
};

const badge = (ok: boolean | 'warn', text: string) => h('span', { class: `badge ${ok === 'warn' ? 'warn' : ok ? 'ok' : 'bad'}` }, text);

const TOKEN: Record<Setup['accessToken']['status'], { ok: boolean | 'warn'; label: string; what: string }> = {
  ok: { ok: true, label: 'Working', what: 'The app can create discount codes and store credit in your shop.' },
  missing: { ok: false, label: 'Missing', what: 'The app has no access to your shop yet, so coupons stay pending. Open the app from your Shopify admin once: that gives it access. If it stays missing, reinstall the app.' },
  'needs-reauth': { ok: false, label: 'Needs approval again', what: 'Shopify no longer accepts the app’s access (it was revoked or its scopes changed). Open the app from your Shopify admin and approve it again; pending coupons are retried afterwards.' },
  override: { ok: 'warn', label: 'Set by the operator', what: 'A fixed access token from the service’s configuration is used instead of the one Shopify gives the app (development or a custom app).' },
};

export async function setupScreen(root: HTMLElement) {
  show(root, h('p', { class: 'muted', role: 'status' }, 'Checking the setup…'));
  let setup: Setup;
  try {
    setup = await api<Setup>('/setup');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      show(root, card('Setup', banner('info', 'This version of the loyalty service does not report its setup yet. Webhooks, the access token and mail can be checked in the service’s logs and configuration.')));
    } else show(root, card('Setup', banner('critical', failure(error))));
    return;
  }
  const token = TOKEN[setup.accessToken.status] ?? { ok: false, label: setup.accessToken.status, what: '' };
  const silent = setup.webhooks.filter((w) => w.lastDeliveryAt === null);
  show(
    root,
    card(
      'Access to your shop',
      h('p', {}, badge(token.ok, token.label), setup.accessToken.expiresAt ? ` renews before ${dateTime(setup.accessToken.expiresAt)}` : ''),
      h('p', {}, token.what),
    ),
    card(
      'Webhooks',
      silent.length === 0
        ? h('p', {}, badge(true, 'Arriving'), ' Shopify has delivered every topic the program listens to.')
        : h('p', {}, badge('warn', `${silent.length} never delivered`), ' Topics that have never arrived may simply not have happened yet (no refund so far). If orders are placed but no points appear, the webhook subscriptions are missing: deploy the app’s configuration again (shopify app deploy) so Shopify subscribes them.'),
      table(['Topic', 'Last delivery'], setup.webhooks.map((w) => [w.topic, w.lastDeliveryAt ? dateTime(w.lastDeliveryAt) : badge('warn', 'never')]), 'Webhook topics and their last delivery'),
    ),
    setup.history
      ? card(
          'Order history',
          h('p', {}, badge(HISTORY[setup.history.state]?.ok ?? 'warn', HISTORY[setup.history.state]?.label ?? setup.history.state), ` Orders from ${dateTime(setup.history.from)} to ${dateTime(setup.history.until)}.`),
          h('p', {}, HISTORY[setup.history.state]?.what ?? ''),
        )
      : null,
    card(
      'Mail',
      setup.mail.configured
        ? [h('p', {}, badge(true, 'Ready'), ` Messages to members go from ${setup.mail.sender ?? 'the configured sender'}.`), setup.mail.configurationSet ? h('p', { class: 'muted' }, `Configuration set: ${setup.mail.configurationSet}`) : null]
        : h('p', {}, badge(false, 'Not set up'), ' Expiry reminders and win-back messages cannot be sent. Set a verified sender address for the shop (the service operator verifies it in Amazon SES).'),
    ),
  );
}
