import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalApp } from '../../local/server.ts';
import { fixedClock } from '../../shared/clock.ts';
import { createWebhookIntakeApp } from '../../shared/http/app.ts';
import { WEBHOOK_BODY_LIMIT_BYTES } from '../../shared/http/deps.ts';
import { captureLogs, type LogLine } from '../faults/captured-logs.ts';
import { freshTable } from '../support/database.ts';
import { paidOrder } from '../support/fixtures.ts';
import { API_KEY, proxyQuery, SECRET, sessionToken, SHOP, webhookRequest } from '../support/http.ts';

const NOW = '2026-03-01T12:00:00Z';
/** Personal data a payload may carry; none of it may reach a log line. */
const PERSONAL = /ann@example\.com|\bAnn\b|\bLee\b|555 ?0100|Main St|203\.0\.113\.7/;

let captured: ReturnType<typeof captureLogs>;
beforeEach(() => {
  captured = captureLogs();
});
afterEach(() => captured.restore());

/** The app's loggers are made after the capture starts, so they write through it. */
const logger = () => new Logger({ serviceName: 'loyalty-test' });
const linesSaying = (message: string): LogLine[] => captured.lines.filter((line) => line.message === message);

function intake() {
  return createWebhookIntakeApp({
    secrets: async () => ({ apiSecret: SECRET, apiKey: API_KEY }),
    clock: fixedClock(NOW),
    logger: logger(),
    deliver: async () => ({ outcome: 'queued' as const }),
  });
}

const customer = { id: 501, email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', phone: '+1 555 0100', default_address: { address1: '1 Main St' } };

describe('a rejected webhook', () => {
  it('is logged once, with its shop, topic, delivery and reason, and no personal data (401: bad signature)', async () => {
    const request = webhookRequest('orders/paid', { ...paidOrder({ id: 1, customerId: 501, subtotal: '10.00', at: NOW }), customer, browser_ip: '203.0.113.7' }, { webhookId: 'wh-bad-signature', secret: 'not-the-app-secret' });
    const response = await intake().request(request);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-signature', title: 'The signature does not match.' });
    const lines = linesSaying('webhook rejected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'WARN', shop: SHOP, topic: 'orders/paid', webhookId: 'wh-bad-signature', status: 401, reason: expect.stringContaining('Hmac') });
    expect(JSON.stringify(captured.lines)).not.toMatch(PERSONAL);
  });

  it('names the paths that did not fit, never their values (400: bad payload)', async () => {
    const body = { ...paidOrder({ id: 2, customerId: 501, subtotal: '10.00', at: NOW }), customer, subtotal_price: 'ann@example.com', subtotal_price_set: 'ann@example.com', line_items: 'Ann Lee' };
    const response = await intake().request(webhookRequest('orders/paid', body, { webhookId: 'wh-bad-payload' }));
    expect(response.status).toBe(400);
    const lines = linesSaying('webhook rejected');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ shop: SHOP, topic: 'orders/paid', webhookId: 'wh-bad-payload', status: 400, problemPaths: expect.arrayContaining([expect.stringMatching(/^(subtotal_price|line_items)/)]) });
    expect(JSON.stringify(captured.lines)).not.toMatch(PERSONAL);
  });

  it('is logged when too large (413), before its body is read', async () => {
    const huge = JSON.stringify({ note: 'x'.repeat(WEBHOOK_BODY_LIMIT_BYTES), email: 'ann@example.com' });
    const response = await intake().request(webhookRequest('orders/paid', huge, { webhookId: 'wh-too-large' }));
    expect(response.status).toBe(413);
    expect(linesSaying('webhook rejected')).toEqual([expect.objectContaining({ shop: SHOP, topic: 'orders/paid', webhookId: 'wh-too-large', status: 413 })]);
    expect(JSON.stringify(captured.lines)).not.toMatch(PERSONAL);
  });

  it('logs only well-formed headers of a forged delivery', async () => {
    const request = webhookRequest('orders/paid', '{}', { shop: 'Ann Lee <ann@example.com>', webhookId: 'wh-forged', hmac: 'forged' });
    expect((await intake().request(request)).status).toBe(401);
    expect(linesSaying('webhook rejected')).toEqual([expect.objectContaining({ webhookId: 'wh-forged', status: 401 })]);
    expect(linesSaying('webhook rejected')[0]!.shop).toBeUndefined();
    expect(JSON.stringify(captured.lines)).not.toMatch(PERSONAL);
  });
});

describe('the store owner’s changes and the members’ redemptions', () => {
  it('are logged with the shop, the staff member or customer, and the points: no personal data', async () => {
    const table = await freshTable();
    const { app } = createLocalApp({
      client: table.client,
      endpoint: table.endpoint,
      tableName: table.tableName,
      secrets: { apiSecret: SECRET, apiKey: API_KEY },
      clock: fixedClock(NOW),
      logger: logger(),
      discounts: { issue: async () => ({ kind: 'issued', discountId: 'gid://shopify/DiscountCodeNode/1' }) },
    });
    const token = await sessionToken({ at: new Date(NOW), sub: '77' });
    const admin = (path: string, method: string, body: unknown) =>
      app.request(`/admin${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await app.request(webhookRequest('customers/create', { id: 501, email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', phone: '+15550100', created_at: NOW }))).status).toBe(200);

    // A program saved, then one refused.
    const { program } = (await (await admin('/program', 'GET', undefined)).json()) as { program: Record<string, unknown> };
    expect((await admin('/program', 'PUT', { ...program, signupBonus: 150, pendingDays: 0 })).status).toBe(200);
    expect((await admin('/program', 'PUT', { ...program, signupBonus: -1 })).status).toBe(422);
    expect(linesSaying('program saved')).toEqual([expect.objectContaining({ shop: SHOP, userId: '77', version: 2, changedSections: ['signupBonus'] })]);
    expect(linesSaying('program not saved: invalid')).toEqual([expect.objectContaining({ shop: SHOP, userId: '77', problemPaths: ['signupBonus'] })]);

    // Adjustments, one refused.
    expect((await admin('/members/501/adjustments', 'POST', { points: 600, reason: 'Ann Lee was kind (ann@example.com)' })).status).toBe(201);
    expect((await admin('/members/501/adjustments', 'POST', { points: -5000, reason: 'too much' })).status).toBe(409);
    expect(linesSaying('points adjusted')).toEqual([expect.objectContaining({ shop: SHOP, customerId: '501', points: 600, userId: '77', outcome: 'adjusted' })]);
    expect(linesSaying('points adjustment refused')).toEqual([expect.objectContaining({ shop: SHOP, customerId: '501', points: -5000, userId: '77', errorType: 'balance-below-zero' })]);

    // Redemptions, one refused.
    const redeem = (rewardId: string) =>
      app.request(`/proxy/member/redemptions?${proxyQuery({ customerId: '501', at: new Date(NOW) })}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rewardId }) });
    expect((await redeem('five-off')).status).toBe(201);
    expect((await redeem('ten-percent-off')).status).toBe(409);
    expect(linesSaying('reward redeemed')).toEqual([expect.objectContaining({ shop: SHOP, customerId: '501', rewardId: 'five-off', points: 500, outcome: 'issued' })]);
    expect(linesSaying('redemption refused')).toEqual([expect.objectContaining({ shop: SHOP, customerId: '501', rewardId: 'ten-percent-off', points: 1000, errorType: 'insufficient-points' })]);

    expect(JSON.stringify(captured.lines)).not.toMatch(PERSONAL);
  });
});
