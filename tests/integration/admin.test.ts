import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { json, sessionToken, SHOP, testService } from '../support/http.ts';

const NOW = '2026-03-01T12:00:00Z';
let service: Awaited<ReturnType<typeof testService>>;

async function admin(path: string, init: RequestInit & { token?: string; shop?: string } = {}) {
  const token = init.token ?? (await sessionToken({ at: new Date(NOW), ...(init.shop ? { shop: init.shop } : {}) }));
  return service.app.request(`/admin${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}

beforeAll(async () => {
  service = await testService(NOW);
  for (const [id, customer, amount, at] of [
    [1, 501, '600.00', '2026-01-10T10:00:00Z'],
    [2, 501, '100.00', '2026-02-10T10:00:00Z'],
    [3, 502, '50.00', '2026-02-11T10:00:00Z'],
  ] as const) {
    await service.webhook('orders/paid', paidOrder({ id, customerId: customer, subtotal: amount, at }));
  }
  await service.webhook('orders/paid', paidOrder({ id: 9, customerId: 900, subtotal: '77.00', at: '2026-02-11T10:00:00Z' }), { shop: 'other-shop.myshopify.com' });
});

describe('admin authentication', () => {
  it('accepts a current session token for the shop', async () => {
    expect((await admin('/program')).status).toBe(200);
  });

  it('answers 401 to a missing, forged, expired, not-yet-valid or wrong-audience token', async () => {
    const at = new Date(NOW);
    const tokens = [
      await sessionToken({ at, secret: 'forged' }),
      await sessionToken({ at: new Date(at.getTime() - 3600_000) }),
      await sessionToken({ at, notBefore: 120 }),
      await sessionToken({ at, aud: 'another-app' }),
      'not.a.jwt',
    ];
    for (const token of tokens) {
      const response = await admin('/program', { token });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await service.app.request('/admin/program')).status).toBe(401);
  });

  it('tolerates a few seconds of clock skew', async () => {
    const token = await sessionToken({ at: new Date(Date.parse(NOW) - 65_000) }); // expired 5 s ago
    expect((await admin('/program', { token })).status).toBe(200);
  });

  it('shows a shop only its own data: the token decides the shop', async () => {
    const own = await admin('/members/900');
    expect(own.status).toBe(404);
    const theirs = await admin('/members/900', { shop: 'other-shop.myshopify.com' });
    expect(theirs.status).toBe(200);
  });
});

describe('program settings', () => {
  it('validate the whole program and list every problem', async () => {
    const response = await admin('/program', { method: 'PUT', body: JSON.stringify({ signupBonus: -5, expiry: { days: 0 }, rewards: [{ id: 'Bad Id', name: '', kind: 'gift', cost: 0 }] }) });
    expect(response.status).toBe(422);
    const body = await json(response);
    expect(body.problems.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['signupBonus', 'expiry.days', 'rewards.0.id', 'rewards.0.name', 'rewards.0.kind', 'rewards.0.cost']));
    expect((await json(await admin('/program'))).version).toBe(1);
  });

  it('version every change, keep earlier earnings on their terms, and audit who changed what', async () => {
    const before = await service.member('502');
    const updated = await admin('/program', { method: 'PUT', body: JSON.stringify({ earning: { pointsPerUnit: 2 }, signupBonus: 50 }) });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({ version: 2, program: { earning: { pointsPerUnit: 2 }, signupBonus: 50 } });
    expect((await service.member('502')).balance).toBe(before.balance);
    await service.webhook('orders/paid', paidOrder({ id: 4, customerId: 502, subtotal: '10.00', at: '2026-02-20T10:00:00Z' }));
    expect((await service.member('502')).balance).toBe(before.balance + 20);
    const history = await json(await admin('/program/history'));
    expect(history.changes[0]).toMatchObject({ version: 2, changedBy: '42', changedAt: '2026-03-01T12:00:00.000Z', program: { earning: { pointsPerUnit: 2 } }, previous: { earning: { pointsPerUnit: 1 } } });
  });
});

describe('members', () => {
  it('look up a member with their contact data', async () => {
    const member = await json(await admin('/members/501'));
    // 600 at x1, then 100 at Silver's x1.25 (600 already spent before that order's day).
    expect(member).toMatchObject({ customerId: '501', balance: 725, tier: 'Silver', orderCount: 2, contact: { email: 'ann@example.com' } });
  });

  it('list members by tier, paged', async () => {
    const silver = await json(await admin('/members?tier=Silver'));
    expect(silver.members.map((m: { customerId: string }) => m.customerId)).toEqual(['501']);
    const first = await json(await admin('/members?limit=1'));
    expect(first.members).toHaveLength(1);
    const second = await json(await admin(`/members?limit=1&cursor=${first.nextCursor}`));
    expect(second.members[0].customerId).not.toBe(first.members[0].customerId);
  });

  it('record manual adjustments with the reason and the staff member', async () => {
    const added = await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: 25, reason: 'Sorry for the late parcel' }) });
    expect(added.status).toBe(201);
    expect(await json(added)).toMatchObject({ entry: { type: 'adjust', points: 25, reason: 'Sorry for the late parcel', adjustedBy: '42' } });
    service.setNow('2026-03-01T12:00:05Z');
    const taken = await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: -5, reason: 'Correction' }) });
    expect((await json(taken)).entry).toMatchObject({ points: -5 });
    expect((await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: -100000, reason: 'Too much' }) })).status).toBe(409);
    expect((await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: 0, reason: '' }) })).status).toBe(422);
    const ledger = await json(await admin('/members/502/ledger'));
    expect(ledger.entries.slice(0, 2).map((e: { points: number }) => e.points)).toEqual([-5, 25]);
  });
});
