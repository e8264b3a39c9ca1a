/**
 * Birthdays over DynamoDB Local: set through the App Proxy and the customer account routes, the
 * change guard (409, nothing stored), bad dates (422), and the `birthdays` job granting the points
 * once on the day: not before, not twice on a rerun.
 */
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerHeaders, customerSessionToken } from '../support/customer-tokens.ts';
import { json, proxyQuery, testService } from '../support/http.ts';

type Service = Awaited<ReturnType<typeof testService>>;

const NOW = '2026-06-01T12:00:00Z';
let service: Service;

const viaProxy = (customerId: string, body: unknown, at = NOW) => {
  service.setNow(at);
  return service.app.request(`/proxy/member/birthday?${proxyQuery({ customerId, at: new Date(at) })}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
};

const viaCustomerAccount = async (customerId: string, body: unknown) => {
  const token = await customerSessionToken({ at: new Date(NOW), customerId });
  return service.app.request('/customer/member/birthday', { method: 'PUT', headers: customerHeaders(token, { 'content-type': 'application/json' }), body: JSON.stringify(body) });
};

async function everything(): Promise<string[]> {
  const { Items = [] } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, ConsistentRead: true }));
  return Items.map((item) => JSON.stringify(item)).sort();
}

beforeAll(async () => {
  service = await testService(NOW);
  await service.webhook('customers/create', { id: 4001, email: 'bea@example.com', created_at: '2026-05-01T00:00:00Z', updated_at: '2026-05-01T00:00:00Z' });
});

describe('PUT /member/birthday', () => {
  it('stores a birthday given in the storefront and shows it on the member', async () => {
    const response = await viaProxy('4001', { month: 6, day: 20 });

    expect(response.status).toBe(200);
    // June 20 is 19 days away: the first points wait a year.
    expect((await json(response)).birthday).toEqual({ month: 6, day: 20, nextRewardOn: '2027-06-20', changeableFrom: '2027-06-01' });
    expect((await service.member('4001')).birthday).toMatchObject({ month: 6, day: 20, nextRewardOn: '2027-06-20' });
  });

  it('answers 200 and changes nothing for the same date again', async () => {
    const before = await everything();
    const response = await viaProxy('4001', { month: 6, day: 20 }, '2026-06-05T12:00:00Z');

    expect(response.status).toBe(200);
    expect(await everything()).toEqual(before);
  });

  it('refuses a second change within a year with 409, storing nothing', async () => {
    const before = await everything();
    const response = await viaProxy('4001', { month: 8, day: 1 }, '2026-06-05T12:00:00Z');

    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response)).toMatchObject({ type: expect.stringContaining('birthday-change-too-soon'), changeableFrom: '2027-06-01' });
    expect(await everything()).toEqual(before);
  });

  it('refuses a date that cannot be with 422 naming the field, storing nothing', async () => {
    const before = await everything();
    const impossible = await viaProxy('4002', { month: 2, day: 30 });
    const malformed = await viaProxy('4002', { month: 'May' });

    expect(impossible.status).toBe(422);
    expect((await json(impossible)).problems).toEqual([expect.objectContaining({ path: 'day' })]);
    expect(malformed.status).toBe(422);
    expect((await json(malformed)).problems.map((p: { path: string }) => p.path)).toEqual(['month', 'day']);
    expect(await everything()).toEqual(before);
  });

  it('answers 401 to a guest', async () => {
    expect((await viaProxy('', { month: 1, day: 1 })).status).toBe(401);
  });

  it('stores a birthday given on the customer account page, February 29 included', async () => {
    const response = await viaCustomerAccount('4003', { month: 2, day: 29 });

    expect(response.status).toBe(200);
    expect((await json(response)).birthday).toMatchObject({ month: 2, day: 29, nextRewardOn: '2027-02-28' });
  });
});

describe('the birthdays job', () => {
  it('grants nothing before the day', async () => {
    await viaProxy('4004', { month: 9, day: 15 });

    const run = await service.job('birthdays', '2026-09-14T23:00:00Z');

    expect(run).toMatchObject({ granted: 0 });
    expect((await service.member('4004')).balance).toBe(0);
  });

  it('grants the points once on the day, dated at the birthday, and the next date moves a year on', async () => {
    const run = await service.job('birthdays', '2026-09-15T06:00:00Z');

    expect(run).toMatchObject({ granted: 1, points: 200 });
    const member = await service.member('4004');
    expect(member.balance).toBe(200);
    expect(member.birthday.nextRewardOn).toBe('2027-09-15');
    const entries = (await json(await service.proxy('/member/activity', { customerId: '4004' }))).entries;
    expect(entries).toEqual([expect.objectContaining({ type: 'bonus', reason: 'birthday', points: 200, occurredAt: '2026-09-15T00:00:00.000Z' })]);
  });

  it('grants nothing twice when run again', async () => {
    const again = await service.job('birthdays', '2026-09-15T07:00:00Z');
    const later = await service.job('birthdays', '2026-12-31T07:00:00Z');

    expect(again).toMatchObject({ granted: 0 });
    expect(later).toMatchObject({ granted: 0 });
    expect((await service.member('4004')).balance).toBe(200);
  });

  it('grants the member who waited a year only then', async () => {
    await service.job('birthdays', '2026-06-21T00:00:00Z');
    expect((await service.member('4001')).balance).toBe(100);

    await service.job('birthdays', '2027-06-20T01:00:00Z');
    expect((await service.member('4001')).balance).toBe(300);
  });

  it('forgets the birthday of a redacted customer, whose entry then leaves the due index with no points', async () => {
    await service.webhook('customers/redact', { shop_id: 1, shop_domain: 'test-shop.myshopify.com', customer: { id: 4004 }, orders_to_redact: [] });
    expect((await service.member('4004')).birthday).toBeUndefined();

    await service.job('birthdays', '2027-09-15T06:00:00Z');

    expect((await service.member('4004')).balance).toBe(200);
    const { Item } = await service.table.client.send(new GetItemCommand({ TableName: service.table.tableName, Key: { PK: { S: 'MEMBER#test-shop.myshopify.com#4004' }, SK: { S: 'BIRTHDAY' } }, ConsistentRead: true }));
    expect(Item?.GSI1PK).toBeUndefined();
    expect(Item?.nextRewardAt).toBeUndefined();
  });
});
