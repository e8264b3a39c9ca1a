import { beforeAll, describe, expect, it } from 'vitest';
import { paidOrder } from '../support/fixtures.ts';
import { sign } from 'hono/jwt';
import { API_KEY, json, SECRET, sessionToken, SHOP, testService } from '../support/http.ts';

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

  it('answers 401 to a token whose iss is not its shop’s admin, or whose dest is not a bare myshopify.com shop', async () => {
    const at = Math.floor(Date.parse(NOW) / 1000);
    const claims = { iss: `https://${SHOP}/admin`, dest: `https://${SHOP}`, aud: API_KEY, sub: '42', exp: at + 60, nbf: at, iat: at };
    const misdirected = [
      { ...claims, iss: `https://${SHOP}` },
      { ...claims, iss: 'https://other-shop.myshopify.com/admin' },
      { ...claims, iss: undefined },
      { ...claims, dest: 'https://test-shop.example.com', iss: 'https://test-shop.example.com/admin' },
      { ...claims, dest: `https://${SHOP}/admin` },
    ];
    for (const payload of misdirected) {
      const response = await admin('/program', { token: await sign(payload, SECRET, 'HS256') });
      expect(response.status).toBe(401);
      expect(await json(response)).toMatchObject({ type: expect.stringMatching(/\/invalid-session-token$/), title: expect.stringMatching(/^[A-Z].*\.$/) });
    }
    expect((await admin('/program', { token: await sign(claims, SECRET, 'HS256') })).status).toBe(200);
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
  it('refuse an empty body, a typo or a missing section with 422, and change nothing', async () => {
    const before = await json(await admin('/program'));
    const history = await json(await admin('/program/history'));
    const { earning: _earning, ...withoutEarning } = before.program;
    const bodies = [{}, { ...before.program, earnng: { pointsPerUnit: 2 } }, withoutEarning];
    for (const body of bodies) {
      const response = await admin('/program', { method: 'PUT', body: JSON.stringify(body) });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await json(await admin('/program'))).toEqual(before);
    expect(await json(await admin('/program/history'))).toEqual(history);
  });

  it('validate the whole program and list every problem', async () => {
    const response = await admin('/program', { method: 'PUT', body: JSON.stringify({ signupBonus: -5, expiry: { days: 0 }, rewards: [{ id: 'Bad Id', name: '', kind: 'gift', cost: 0 }] }) });
    expect(response.status).toBe(422);
    const body = await json(response);
    expect(body.problems.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['signupBonus', 'expiry.days', 'rewards.0.id', 'rewards.0.name', 'rewards.0.kind', 'rewards.0.cost']));
    expect((await json(await admin('/program'))).version).toBe(1);
  });

  it('name every problem in a store owner’s words: a typo, a missing setting, tiers out of order', async () => {
    const { program } = await json(await admin('/program'));
    const [bronze, silver, gold] = program.tiers;
    const body = { ...program, earnng: { pointsPerUnit: 2 }, tiers: [{ name: bronze.name, minSpend: 0, multipler: 1 }, { ...silver, minSpend: 0 }, { ...gold, rewardId: 'no-such-reward' }] };
    const response = await admin('/program', { method: 'PUT', body: JSON.stringify(body) });
    expect(response.status).toBe(422);
    const problem = await json(response);
    expect(problem).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-program', status: 422, title: 'The program has problems, so it was not saved.' });
    const messages = Object.fromEntries(problem.problems.map((p: { path: string; message: string }) => [p.path, p.message]));
    expect(messages).toEqual({
      earnng: 'The program has no setting "earnng". Did you mean "earning"?',
      'tiers.0.multipler': 'Bronze has no setting "multipler". Did you mean "multiplier"?',
      'tiers.0.multiplier': "Bronze's points multiplier is missing.",
      'tiers.1.minSpend': "Silver's minimum spend must be higher than Bronze's (0): tiers go up in order.",
      'tiers.2.rewardId': 'Gold\'s reward "no-such-reward" is not in the rewards list.',
    });
    expect(problem.detail).toContain('nothing changed');
  });

  it('list every missing section of an empty body', async () => {
    const problem = await json(await admin('/program', { method: 'PUT', body: '{}' }));
    expect(problem.problems.map((p: { path: string }) => p.path)).toEqual(['earning', 'signupBonus', 'tiers', 'expiry', 'reminders', 'rewards', 'coupons', 'pendingDays', 'winback']);
    expect(problem.problems[0].message).toBe('The earning section is missing.');
  });

  it('take GET’s own answer back unchanged: no new version, no audit record', async () => {
    const before = await json(await admin('/program'));
    const history = await json(await admin('/program/history'));
    const response = await admin('/program', { method: 'PUT', body: JSON.stringify(before) });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual(before);
    expect(await json(await admin('/program/history'))).toEqual(history);
  });

  it('version every change, keep earlier earnings on their terms, and audit who changed what', async () => {
    const before = await service.member('502');
    const current = await json(await admin('/program'));
    const updated = await admin('/program', { method: 'PUT', body: JSON.stringify({ ...current, program: { ...current.program, earning: { pointsPerUnit: 2 }, signupBonus: 50 } }) });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({ version: 2, program: { earning: { pointsPerUnit: 2 }, signupBonus: 50 } });
    expect((await service.member('502')).balance).toBe(before.balance);
    await service.webhook('orders/paid', paidOrder({ id: 4, customerId: 502, subtotal: '10.00', at: '2026-02-20T10:00:00Z' }));
    expect((await service.member('502')).balance).toBe(before.balance + 20);
    const history = await json(await admin('/program/history'));
    expect(history.changes[0]).toMatchObject({ version: 2, changedBy: '42', changedAt: '2026-03-01T12:00:00.000Z', program: { earning: { pointsPerUnit: 2 } }, previous: { earning: { pointsPerUnit: 1 } } });
  });

  it('take the program itself too, without GET’s read-only fields, and refuse other fields beside it', async () => {
    const { program } = await json(await admin('/program'));
    const bare = await admin('/program', { method: 'PUT', body: JSON.stringify({ ...program, signupBonus: 60 }) });
    expect(bare.status).toBe(200);
    expect(await json(bare)).toMatchObject({ version: 3, program: { signupBonus: 60 } });
    const extra = await json(await admin('/program', { method: 'PUT', body: JSON.stringify({ version: 3, active: true, program, updatedBy: 'me' }) }));
    expect(extra.problems.map((p: { path: string }) => p.path)).toEqual(['updatedBy']);
    expect((await json(await admin('/program'))).version).toBe(3);
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
    const overdrawn = await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: -100000, reason: 'Too much' }) });
    expect(overdrawn.status).toBe(409);
    const { balance } = await service.member('502');
    expect(await json(overdrawn)).toMatchObject({
      type: 'https://loyalty.dev/problems/balance-below-zero',
      title: 'This adjustment would take the balance below zero.',
      detail: `This adjustment would take the balance below zero: the member has ${balance} points, and it would take 100000.`,
      balance,
      points: 100000,
    });
    expect((await admin('/members/502/adjustments', { method: 'POST', body: JSON.stringify({ points: 0, reason: '' }) })).status).toBe(422);
    const ledger = await json(await admin('/members/502/ledger'));
    expect(ledger.entries.slice(0, 2).map((e: { points: number }) => e.points)).toEqual([-5, 25]);
  });
});
