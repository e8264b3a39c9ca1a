/**
 * The store owner's admin, embedded in Shopify's admin at `/app`: a small hash router over four
 * screens. Every figure comes from `/admin/*` with App Bridge's session token; without App Bridge
 * (opened outside Shopify, or Shopify's CDN unreachable) the page says so instead of failing.
 */
import { appBridge, devTokens, useTokens } from './api.ts';
import { h, show, type Child } from './dom.ts';
import { dashboardScreen } from './dashboard.ts';
import { roiScreen } from './roi.ts';
import { membersScreen } from './members.ts';
import { migrationScreen } from './migration.ts';
import { programScreen } from './program.ts';
import { contentScreen } from './content.ts';
import { setupScreen } from './setup.ts';
import { referralsScreen } from './referrals.ts';
import { campaignsScreen } from './campaigns.ts';
import { customersScreen } from './customers.ts';

const screens = {
  dashboard: { title: 'Dashboard', render: dashboardScreen },
  roi: { title: 'Does it pay?', render: roiScreen },
  program: { title: 'Program', render: programScreen },
  languages: { title: 'Languages', render: contentScreen },
  customers: { title: 'Customers', render: customersScreen },
  members: { title: 'Members', render: membersScreen },
  migration: { title: 'Import & export', render: migrationScreen },
  referrals: { title: 'Referrals', render: referralsScreen },
  campaigns: { title: 'Campaigns', render: campaignsScreen },
  setup: { title: 'Setup', render: setupScreen },
} as const;
type ScreenName = keyof typeof screens;

const root = document.getElementById('app')!;
const query = new URLSearchParams(location.search);

/** `#/members/1001` → screen `members`, argument `1001`. */
function route(): { name: ScreenName; arg: string | undefined } {
  const [name, arg] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: name && name in screens ? (name as ScreenName) : 'dashboard', arg: arg ? decodeURIComponent(arg) : undefined };
}

function layout(current: ScreenName, content: HTMLElement, notice?: Child) {
  const link = (name: ScreenName) =>
    h('li', {}, h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : undefined }, screens[name].title));
  return h(
    'div',
    { class: 'page' },
    h('header', { class: 'topbar' }, h('h1', {}, 'Loyalty program'), h('nav', { 'aria-label': 'Loyalty program' }, h('ul', {}, (Object.keys(screens) as ScreenName[]).map(link)))),
    notice,
    h('main', { id: 'main' }, content),
  );
}

let devNotice: Child;

async function render() {
  const { name, arg } = route();
  const content = h('div', {});
  show(root, layout(name, content, devNotice));
  document.title = `${screens[name].title} · Loyalty program`;
  await screens[name].render(content, arg);
}

/** Outside Shopify: say what to do, and locally offer the development session. */
async function notEmbedded() {
  const shop = query.get('shop') ?? 'demo-shop.myshopify.com';
  const devLink = h('p', { hidden: true }, 'Developing locally? ', h('a', { href: `/app?shop=${encodeURIComponent(shop)}&dev-session=1` }, `Open it with a development session for ${shop}`), '.');
  show(
    root,
    h(
      'main',
      { class: 'page' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'outside-title' },
        h('h1', { id: 'outside-title' }, 'Open this from your Shopify admin'),
        h('p', {}, 'The loyalty program is managed inside Shopify: in your Shopify admin, go to Apps and choose the loyalty app. This page needs Shopify’s App Bridge to know your shop, and it is not available here (the page was opened outside the admin, or Shopify could not be reached).'),
        devLink,
      ),
    ),
  );
  // Only `npm start` mounts /dev: elsewhere this answers 404 and the link stays hidden.
  try {
    const response = await fetch(`/dev/session-token?shop=${encodeURIComponent(shop)}`);
    if (response.ok) devLink.hidden = false;
  } catch {
    // Not the local server: nothing to offer.
  }
}

function start() {
  const bridge = appBridge();
  if (bridge) useTokens(bridge);
  else if (query.get('dev-session') === '1') {
    const shop = query.get('shop') ?? 'demo-shop.myshopify.com';
    useTokens(devTokens(shop));
    devNotice = h('p', { class: 'banner warning', role: 'note' }, `Local development: signed in to ${shop} with a development session token, not through Shopify.`);
  } else {
    void notEmbedded();
    return;
  }
  window.addEventListener('hashchange', () => void render());
  void render();
}

start();
