/**
 * Lifecycle stages and priority customers end to end: orders in by webhook, the lifecycle job run
 * as time passes, the change stream drained, and what the store owner sees and does under
 * `/admin/lifecycle` and `/admin/priority`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import { parseProgram } from '../../shared/program/program.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SHOP, sessionToken, testService } from '../support/http.ts';

let service: Awaited<ReturnType<typeof testService>>;
let clock = '2026-05-01T12:00:00Z';

async function admin(path: string, init: RequestInit = {}) {
  await service.figures();
  const token = await sessionToken({ at: new Date(clock) });
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
}

function at(time: string) {
  clock = time;
  service.setNow(time);
}

async function order(id: number, customerId: number, subtotal: string, day: string) {
  expect((await service.webhook('orders/paid', paidOrder({ id, customerId, subtotal, at: `${day}T10:00:00Z` }))).status).toBe(200);
}

/**
 * Customer 1 orders monthly from January (4 orders, 300.00 each): loyal. Customer 2 twice in March
 * (100.00 each): regular. Customer 3 once on 20 April (50.00): new. Customer 4 in January and
 * February (800.00 each, 30 days apart): fading on 10 April (twice 30 days after the last order),
 * lost on 9 June (four times).
 */
beforeAll(async () => {
  service = await testService(clock);
  await service.store.ensureShop({ ...newShop(SHOP, new Date(clock), 'USD'), program: parseProgram({}) });
  const created = '2026-01-01T09:00:00Z';
  expect((await service.webhook('customers/create', { id: 4, email: 'dana@example.com', first_name: 'Dana', last_name: '=Risk', created_at: created, updated_at: created })).status).toBe(200);
  for (const [i, day] of ['2026-01-05', '2026-02-04', '2026-03-06', '2026-04-05'].entries()) await order(110 + i, 1, '300.00', day);
  await order(201, 2, '100.00', '2026-03-01');
  await order(202, 2, '100.00', '2026-03-31');
  await order(301, 3, '50.00', '2026-04-20');
  await order(401, 4, '800.00', '2026-01-10');
  await order(402, 4, '800.00', '2026-02-09');
});

describe('lifecycle stages and priority customers', () => {
  it('orders set each stage; the job moves a lapsed member to fading, dated when it happened, and a rerun moves no one', async () => {
    expect((await service.store.getMember(SHOP, '1'))).toMatchObject({ stage: 'loyal', stageSince: '2026-04-05T10:00:00.000Z' });
    expect((await service.store.getMember(SHOP, '2'))).toMatchObject({ stage: 'regular' });
    expect((await service.store.getMember(SHOP, '3'))).toMatchObject({ stage: 'new' });
    expect((await service.store.getMember(SHOP, '4'))).toMatchObject({ stage: 'regular', stageDueAt: '2026-04-10T10:00:00.000Z' });

    const run = await service.job('lifecycle', clock);
    expect(run).toMatchObject({ due: 1, moved: 1, restaged: 0, more: false });
    expect(await service.store.getMember(SHOP, '4')).toMatchObject({ stage: 'fading', stageSince: '2026-04-10T10:00:00.000Z', stageDueAt: '2026-06-09T10:00:00.000Z' });
    // Still found through its lapse (the win-back job flags that), but nothing is due: nothing moves.
    expect(await service.job('lifecycle', clock)).toMatchObject({ moved: 0, restaged: 0 });
  });

  it('lists the priority customers, highest value first, as JSON and as CSV', async () => {
    const top = await json(await admin('/priority?list=top'));
    expect(top.customers.map((c: any) => [c.customerId, c.value, c.stage])).toEqual([
      ['1', '1200.00', 'loyal'],
      ['2', '200.00', 'regular'],
      ['3', '50.00', 'new'],
    ]);
    const fading = await json(await admin('/priority?list=fading'));
    expect(fading).toMatchObject({ list: 'fading', currency: 'USD', customers: [{ customerId: '4', valueMinor: 160000, email: 'dana@example.com', stage: 'fading', orderCount: 2 }] });

    const csv = await admin('/priority?list=fading&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="priority-fading-2026-05-01.csv"');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('customer_id,email,first_name,last_name,stage,stage_since,value,currency,orders,last_order_at,tier,balance');
    // A name a spreadsheet would run as a formula is written as text.
    expect(lines[1]).toMatch(/^4,dana@example\.com,Dana,'=Risk,fading,2026-04-10T10:00:00\.000Z,1600\.00,USD,2,2026-02-09T10:00:00\.000Z,Gold,\d+$/);
    expect(lines).toHaveLength(2);

    expect((await admin('/priority?list=vip')).status).toBe(400);
    expect((await admin('/priority?limit=500')).status).toBe(400);
    expect((await admin('/priority?format=xml')).status).toBe(400);
  });

  it('grants a win-back reward once per lapse, to fading members only; bad input writes nothing', async () => {
    const bad = await admin('/priority/winback', { method: 'POST', body: JSON.stringify({ customerIds: ['x'], rewardId: 'five-off' }) });
    expect(bad.status).toBe(422);
    expect((await json(bad)).problems).toEqual([expect.objectContaining({ path: 'customerIds.0' })]);
    const unknown = await admin('/priority/winback', { method: 'POST', body: JSON.stringify({ customerIds: ['4'], rewardId: 'nope' }) });
    expect(unknown.status).toBe(422);
    expect((await json(unknown)).problems).toEqual([expect.objectContaining({ path: 'rewardId' })]);
    expect((await service.store.getMember(SHOP, '4'))?.winbackReward).toBeUndefined();

    const granted = await admin('/priority/winback', { method: 'POST', body: JSON.stringify({ customerIds: ['4', '3', '999'], rewardId: 'five-off' }) });
    expect(granted.status).toBe(201);
    const body = await json(granted);
    expect(body).toMatchObject({ rewardId: 'five-off', granted: [{ customerId: '4', status: 'pending' }], skipped: [{ customerId: '3', reason: 'not-fading' }, { customerId: '999', reason: 'not-a-member' }] });
    expect(await service.store.getCoupon(SHOP, body.granted[0].code)).toMatchObject({ customerId: '4', source: 'winback', points: 0, rewardId: 'five-off', status: 'pending' });

    const again = await admin('/priority/winback', { method: 'POST', body: JSON.stringify({ customerIds: ['4'], rewardId: 'five-off' }) });
    expect(again.status).toBe(200);
    expect(await json(again)).toMatchObject({ granted: [], skipped: [{ customerId: '4', reason: 'already-granted' }] });
    expect((await json(await admin('/priority?list=fading'))).customers[0].winbackRewardAt).toBe('2026-05-01T12:00:00.000Z');
  });

  it('as time passes the job moves members down, and the figures count the pyramid and every month’s moves', async () => {
    at('2026-07-01T12:00:00Z');
    expect(await service.job('lifecycle', clock)).toMatchObject({ due: 3, moved: 3 });
    expect(await service.job('lifecycle', clock)).toMatchObject({ moved: 0 });

    const view = await json(await admin('/lifecycle?months=7'));
    expect(view.stages).toEqual({ new: 1, regular: 0, loyal: 0, fading: 2, lost: 1 });
    expect(view).toMatchObject({ members: 4, withoutOrder: 0, months: ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07'] });
    const moves = Object.fromEntries(view.moves.map((m: any) => [`${m.month} ${m.from}>${m.to}`, m.count]));
    expect(moves).toEqual({
      '2026-01 none>new': 2,
      '2026-02 new>regular': 2,
      '2026-03 none>new': 1,
      '2026-03 new>regular': 1,
      '2026-04 regular>loyal': 1,
      '2026-04 regular>fading': 1,
      '2026-04 none>new': 1,
      '2026-05 regular>fading': 1,
      '2026-06 loyal>fading': 1,
      '2026-06 fading>lost': 1,
    });
    expect(view.settings).toMatchObject({ fadingFactor: 2, lostDays: 365 });

    const fading = await json(await admin('/priority?list=fading'));
    expect(fading.customers.map((c: any) => c.customerId)).toEqual(['1', '2']);
    expect((await json(await admin('/priority?list=top'))).customers.map((c: any) => c.customerId)).toEqual(['3']);
    expect((await admin('/lifecycle?months=0')).status).toBe(400);
  });

  it('tuned thresholds restage the shop’s members at the next run, once', async () => {
    const current = await json(await admin('/program'));
    expect(current.program.lifecycle).toMatchObject({ firstOrderFadingDays: 90 });
    const saved = await admin('/program', { method: 'PUT', body: JSON.stringify({ program: { ...current.program, lifecycle: { ...current.program.lifecycle, firstOrderFadingDays: 60 } } }) });
    expect(saved.status).toBe(200);
    const invalid = await admin('/program', { method: 'PUT', body: JSON.stringify({ program: { ...current.program, lifecycle: { ...current.program.lifecycle, loyalOrders: 1 } } }) });
    expect(invalid.status).toBe(422);

    expect(await service.job('lifecycle', clock)).toMatchObject({ restaged: 1 });
    // Dated when it happened under the new thresholds: 60 days after the one order of 20 April.
    expect(await service.store.getMember(SHOP, '3')).toMatchObject({ stage: 'fading', stageSince: '2026-06-19T10:00:00.000Z' });
    expect(await service.job('lifecycle', clock)).toMatchObject({ restaged: 0 });
    expect((await json(await admin('/lifecycle'))).stages).toEqual({ new: 0, regular: 0, loyal: 0, fading: 3, lost: 1 });
  });

  it('needs the session token', async () => {
    expect((await service.app.request('/admin/lifecycle')).status).toBe(401);
    expect((await service.app.request('/admin/priority?format=csv')).status).toBe(401);
  });
});
