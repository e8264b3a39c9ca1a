import { h, options, type VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerApi, type Member } from '../../extensions/customer-account/src/api.ts';
import { localeFormat } from '../../extensions/customer-account/src/locale-format.ts';
import { messagesFor } from '../../extensions/customer-account/src/messages.ts';
import { orderPointsView } from '../../extensions/customer-account/src/order-points-view.ts';
import { OrderPointsLine } from '../../extensions/customer-account/src/OrderStatusBlock.tsx';
import { RewardsPageView } from '../../extensions/customer-account/src/RewardsPage.tsx';
import { initialRewardsPageState, rewardsPageModel, type RewardsPageState } from '../../extensions/customer-account/src/rewards-page-model.ts';

const APP_URL = 'https://loyalty.example.test';
const NOW = new Date('2026-11-29T12:00:00.000Z');
const context = { format: localeFormat('en-US', { timeZone: 'UTC' }), messages: messagesFor('en-US') };

/** The part of the extension API the entry files hand on: a session token per call. */
function fakeShopify() {
  let issued = 0;
  return {
    sessionToken: { get: async () => `session-token-${++issued}` },
    localization: { language: { value: { isoCode: 'en-US' } } },
  };
}

interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string | undefined;
}

type Answer = { status: number; body?: unknown } | 'network-down';

/** A backend answering canned JSON per "METHOD /path", recording what it is sent. */
function fakeBackend(answers: Record<string, Answer | Answer[]>) {
  const sent: SentRequest[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    sent.push({ method, url, headers: new Headers(init.headers), body: init.body === undefined ? undefined : String(init.body) });
    const entry = answers[`${method} ${url.pathname}`];
    const answer = Array.isArray(entry) ? (entry.length > 1 ? entry.shift() : entry[0]) : entry;
    if (answer === undefined) return new Response(JSON.stringify({ type: 'https://loyalty.dev/problems/not-found', title: 'Not found', status: 404, detail: `${method} ${url.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
    if (answer === 'network-down') throw new TypeError('Failed to fetch');
    const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': type } });
  };
  return { fetch, sent };
}

const member: Member = {
  customerId: '1001',
  enrolled: true,
  currency: 'USD',
  balance: 600,
  pending: 0,
  tier: 'Silver',
  tierMultiplier: 1.25,
  tierSpend: '800.00',
  nextTier: { name: 'Gold', multiplier: 1.5, minSpend: '1500.00', remaining: '700.00', currency: 'USD' },
  expiring: [{ points: 120, expiresAt: '2026-12-10T10:00:00.000Z' }],
  rewards: [
    { id: 'five-off', name: '5 off your order', kind: 'fixed_amount', cost: 500, value: 5, validityDays: 90, affordable: true },
    { id: 'ten-percent-off', name: '10% off your order', kind: 'percentage', cost: 1000, value: 10, validityDays: 90, affordable: false },
  ],
};
const program = {
  currency: 'USD',
  earning: { pointsPerUnit: 1 },
  signupBonus: 100,
  tiers: [
    { name: 'Bronze', minSpend: '0.00', multiplier: 1 },
    { name: 'Silver', minSpend: '500.00', multiplier: 1.25 },
    { name: 'Gold', minSpend: '1500.00', multiplier: 1.5 },
  ],
  expiry: { days: 365 },
  rewards: [],
};
const entry = (id: string, points: number, type = 'earn') => ({ id, type, points, occurredAt: '2026-11-20T10:00:00.000Z', balanceAfter: 600 });

/** Renders a state of the page and keeps the props of every `<s-button>`, so a test can press one. */
function renderPage(state: RewardsPageState, handlers: { onRedeem?: (id: string) => void; onMore?: () => void } = {}) {
  buttons = [];
  const html = renderToString(
    h(RewardsPageView, { state, context, now: NOW, onRedeem: handlers.onRedeem ?? (() => {}), onMore: handlers.onMore ?? (() => {}), onRetry: () => {} }),
  );
  return { html, button: (id: string) => buttons.find((props) => props.id === id) };
}

let buttons: Record<string, unknown>[] = [];
let previousVnodeHook: typeof options.vnode;
beforeEach(() => {
  previousVnodeHook = options.vnode;
  options.vnode = (vnode: VNode) => {
    if (vnode.type === 's-button') buttons.push(vnode.props as Record<string, unknown>);
    previousVnodeHook?.(vnode);
  };
});
afterEach(() => {
  options.vnode = previousVnodeHook;
});

async function loadedPage(answers: Record<string, Answer | Answer[]>) {
  const shopify = fakeShopify();
  const backend = fakeBackend(answers);
  const api = customerApi({ appUrl: APP_URL, sessionToken: () => shopify.sessionToken.get(), fetch: backend.fetch });
  let key = 0;
  const model = rewardsPageModel(api, { newKey: () => `key-${++key}` });
  await model.load();
  return { model, backend };
}

describe('the Rewards page', () => {
  it('shows the balance, tier progress, expiring points, rewards and activity with Polaris web components', async () => {
    const { model, backend } = await loadedPage({
      'GET /customer/member': { status: 200, body: member },
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [entry('e1', 120), entry('e0', 100, 'bonus')], nextCursor: null } },
    });

    const { html, button } = renderPage(model.state);

    expect(html).toContain('<s-page heading="Rewards">');
    expect(html).toContain('<s-section heading="Your points">');
    expect(html).toContain('<s-heading>600 points</s-heading>');
    expect(html).toContain('<s-badge>Silver tier</s-badge>');
    expect(html).toMatch(/<s-progress value="0.3" max="1" accessibilityLabel="Progress to Gold"><\/s-progress>/);
    expect(html).toContain('Spend $700.00 more to reach Gold');
    expect(html).toContain('<s-section heading="Points expiring soon">');
    expect(html).toContain('<s-list-item>120 points on Dec 10, 2026</s-list-item>');
    expect(html).toContain('$5.00 off your order');
    expect(html).toContain('You need 400 points more');
    expect(html).toContain('+120 points');
    expect(html).toContain('Bonus');
    // The affordable reward's button is live, the other disabled; no "more" without a cursor.
    expect(button('redeem-five-off')).toEqual(expect.objectContaining({ disabled: false, accessibilityLabel: 'Redeem 5 off your order' }));
    expect(button('redeem-ten-percent-off')).toEqual(expect.objectContaining({ disabled: true }));
    expect(button('activity-more')).toBeUndefined();
    // Every call carried a session token as a Bearer token.
    expect(backend.sent.map((request) => `${request.method} ${request.url.pathname}`).sort()).toEqual(['GET /customer/member', 'GET /customer/member/activity', 'GET /customer/program']);
    for (const request of backend.sent) expect(request.headers.get('authorization')).toMatch(/^Bearer session-token-\d+$/);
    expect(backend.sent.find((request) => request.url.pathname.endsWith('/activity'))?.url.searchParams.get('limit')).toBe('10');
  });

  it('redeems from the button: a POST with the reward, an Idempotency-Key and a Bearer token, then shows the code', async () => {
    const { model, backend } = await loadedPage({
      'GET /customer/member': [{ status: 200, body: member }, { status: 200, body: { ...member, balance: 100, rewards: member.rewards.map((reward) => ({ ...reward, affordable: false })) } }],
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [], nextCursor: null } },
      'POST /customer/member/redemptions': { status: 201, body: { code: 'DEMO-7KQ2XH9PRA', rewardId: 'five-off', expiresAt: '2027-02-27T12:00:00.000Z', status: 'issued', balance: 100 } },
    });
    let redeeming: Promise<void> | undefined;
    const { button } = renderPage(model.state, { onRedeem: (id) => (redeeming = model.redeem(id)) });

    (button('redeem-five-off')!.onClick as () => void)();
    await redeeming;

    const post = backend.sent.find((request) => request.method === 'POST')!;
    expect(post.url.href).toBe(`${APP_URL}/customer/member/redemptions`);
    expect(JSON.parse(post.body!)).toEqual({ rewardId: 'five-off' });
    expect(post.headers.get('idempotency-key')).toBe('key-1');
    expect(post.headers.get('authorization')).toMatch(/^Bearer session-token-\d+$/);
    expect(post.headers.get('content-type')).toBe('application/json');
    const after = renderPage(model.state);
    expect(after.html).toContain('<s-banner tone="success" heading="Your discount code">');
    expect(after.html).toContain('<s-text type="strong">DEMO-7KQ2XH9PRA</s-text>');
    expect(after.html).toContain('Enter it at checkout by Feb 27, 2027.');
    expect(after.html).toContain('<s-heading>100 points</s-heading>');
    expect(after.button('redeem-five-off')).toEqual(expect.objectContaining({ disabled: true }));
  });

  it('says "store credit added" for a store credit reward', async () => {
    const credit = { id: 'ten-credit', name: '10 USD store credit', kind: 'store_credit', cost: 500, value: 10, affordable: true };
    const { model } = await loadedPage({
      'GET /customer/member': { status: 200, body: { ...member, rewards: [credit] } },
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [], nextCursor: null } },
      'POST /customer/member/redemptions': { status: 201, body: { creditId: 'credit-1', rewardId: 'ten-credit', kind: 'store_credit', value: '10.00', currency: 'USD', status: 'issued', balance: 100 } },
    });

    await model.redeem('ten-credit');

    expect(renderPage(model.state).html).toContain('heading="$10.00 store credit added"');
  });

  it('sends the same Idempotency-Key again after an answer that never came, and a new one after a refusal', async () => {
    const { model, backend } = await loadedPage({
      'GET /customer/member': { status: 200, body: member },
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [], nextCursor: null } },
      'POST /customer/member/redemptions': [
        'network-down',
        { status: 409, body: { type: 'https://loyalty.dev/problems/insufficient-points', title: 'Insufficient points', status: 409, detail: 'the balance does not cover it' } },
        { status: 201, body: { code: 'DEMO-AAAA', rewardId: 'five-off', status: 'issued', balance: 100 } },
      ],
    });

    await model.redeem('five-off');
    expect(renderPage(model.state).html).toContain('We could not redeem this reward. Please try again.');
    await model.redeem('five-off');
    expect(renderPage(model.state).html).toContain('<s-text tone="critical">You no longer have enough points for this reward.</s-text>');
    await model.redeem('five-off');

    const keys = backend.sent.filter((request) => request.method === 'POST').map((request) => request.headers.get('idempotency-key'));
    expect(keys).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('pages the activity with "Show more", passing the cursor', async () => {
    const { model, backend } = await loadedPage({
      'GET /customer/member': { status: 200, body: member },
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': [
        { status: 200, body: { entries: [entry('e2', 50)], nextCursor: 'cursor-2' } },
        { status: 200, body: { entries: [entry('e1', -500, 'redeem')], nextCursor: null } },
      ],
    });
    let paging: Promise<void> | undefined;
    const first = renderPage(model.state, { onMore: () => (paging = model.more()) });
    expect(first.html).toContain('Show more');

    (first.button('activity-more')!.onClick as () => void)();
    await paging;

    expect(backend.sent.at(-1)?.url.searchParams.get('cursor')).toBe('cursor-2');
    const second = renderPage(model.state);
    expect(second.html).toContain('+50 points');
    expect(second.html).toContain('−500 points');
    expect(second.button('activity-more')).toBeUndefined();
  });

  it('shows a spinner while loading, a retry after a failure, and a sign-in line for a 401', async () => {
    expect(renderPage(initialRewardsPageState).html).toContain('<s-spinner accessibilityLabel="Loading your rewards…">');
    const failed = await loadedPage({ 'GET /customer/member': { status: 503, body: { type: 'https://loyalty.dev/problems/busy', title: 'Busy', status: 503, detail: 'try later' } } });
    expect(renderPage(failed.model.state).html).toContain('<s-banner tone="critical" heading="We could not load your rewards right now.">');
    const signedOut = await loadedPage({ 'GET /customer/member': { status: 401, body: { type: 'https://loyalty.dev/problems/invalid-session-token', title: 'Unauthorized', status: 401, detail: 'no customer' } } });
    expect(renderPage(signedOut.model.state).html).toContain('Sign in to see your rewards.');
  });
});

describe('the birthday on the Rewards page', () => {
  it('saves a month and day with a PUT, then shows the date and when its points come', async () => {
    const saved = { month: 3, day: 14, nextRewardOn: '2027-03-14', changeableFrom: '2027-11-29' };
    const { model, backend } = await loadedPage({
      'GET /customer/member': [{ status: 200, body: { ...member, birthdayPoints: 200 } }, { status: 200, body: { ...member, birthdayPoints: 200, birthday: saved } }],
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [], nextCursor: null } },
      'PUT /customer/member/birthday': { status: 200, body: { birthday: saved, points: 200 } },
    });
    const page = (state: RewardsPageState) => renderToString(h(RewardsPageView, { state, context, now: NOW, onRedeem: () => {}, onMore: () => {}, onRetry: () => {}, onSaveBirthday: model.saveBirthday, locale: 'en-US' }));
    expect(page(model.state)).toContain('Tell us your birthday and get 200 points on the day, every year.');

    await model.saveBirthday(3, 14);

    const put = backend.sent.find((request) => request.method === 'PUT')!;
    expect(put.url.pathname).toBe('/customer/member/birthday');
    expect(JSON.parse(put.body!)).toEqual({ month: 3, day: 14 });
    const html = page(model.state);
    expect(html).toContain('Your birthday: March 14');
    expect(html).toContain('Your 200 birthday points come on March 14, 2027.');
    expect(html).toContain('You can change it from November 29, 2027.');
    expect(html).not.toContain('save-birthday');
  });

  it('rejects with the backend\'s problem when a change comes too soon, and shows nothing when the shop gives no birthday points', async () => {
    const { model } = await loadedPage({
      'GET /customer/member': { status: 200, body: { ...member, birthdayPoints: 0 } },
      'GET /customer/program': { status: 200, body: program },
      'GET /customer/member/activity': { status: 200, body: { entries: [], nextCursor: null } },
      'PUT /customer/member/birthday': { status: 409, body: { type: 'https://loyalty.dev/problems/birthday-change-too-soon', title: 'x', status: 409, detail: 'once a year' } },
    });

    await expect(model.saveBirthday(5, 1)).rejects.toMatchObject({ kind: 'birthday-change-too-soon', status: 409 });
    const html = renderToString(h(RewardsPageView, { state: model.state, context, now: NOW, onRedeem: () => {}, onMore: () => {}, onRetry: () => {}, onSaveBirthday: model.saveBirthday }));
    expect(html).not.toContain('Your birthday');
  });
});

describe('the order status block', () => {
  it('asks for the order by its numeric id with a Bearer token, and shows the points earned in a banner', async () => {
    const shopify = fakeShopify();
    const backend = fakeBackend({ 'GET /customer/orders/5001': { status: 200, body: { orderId: '5001', points: 120, pending: false, earnedAt: '2026-11-01T10:00:00.000Z' } } });
    const api = customerApi({ appUrl: `${APP_URL}/`, sessionToken: () => shopify.sessionToken.get(), fetch: backend.fetch });

    const answer = await api.orderPoints('gid://shopify/Order/5001');
    const html = renderToString(h(OrderPointsLine, { view: orderPointsView(answer, context) }));

    expect(backend.sent[0]?.url.href).toBe(`${APP_URL}/customer/orders/5001`);
    expect(backend.sent[0]?.headers.get('authorization')).toBe('Bearer session-token-1');
    expect(html).toBe('<s-banner tone="success"><s-text>This order earned 120 points.</s-text></s-banner>');
  });

  it('says pending points come after the return window, and renders nothing for an order with no record', async () => {
    const backend = fakeBackend({ 'GET /customer/orders/5002': { status: 200, body: { orderId: '5002', points: 80, pending: true, earnedAt: null } } });
    const api = customerApi({ appUrl: APP_URL, sessionToken: async () => 'token', fetch: backend.fetch });

    const pending = renderToString(h(OrderPointsLine, { view: orderPointsView(await api.orderPoints('5002'), context) }));
    const unknown = await api.orderPoints('gid://shopify/Order/404');

    expect(pending).toBe('<s-banner tone="info"><s-text>This order earns 80 points, available after the return window.</s-text></s-banner>');
    expect(unknown).toBeNull();
    expect(renderToString(h(OrderPointsLine, { view: orderPointsView(unknown, context) }))).toBe('');
  });
});
