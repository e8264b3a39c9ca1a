/**
 * The members CSV import and export over DynamoDB Local and signed admin requests, email-only rows
 * matched by the fake Admin API's customers: a dry run lists every bad row and writes nothing; a
 * bad file is refused whole; a good one brings each balance in as one lot expiring by the
 * program's expiry; a second upload (or two at once) adds nothing; passes go on from where time
 * ran out; the export lists the members and imports cleanly into another shop.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationRoutes } from '../../shared/http/admin-migration.ts';
import type { ApiDeps } from '../../shared/http/deps.ts';
import type { SessionUser } from '../../shared/shopify/session-token.ts';
import { importMembers } from '../../shared/migration/import-members.ts';
import { readMemberFile } from '../../shared/migration/member-rows.ts';
import { newShop } from '../../shared/earning/shops.ts';
import { ShopifyCustomerDirectory } from '../../shared/shopify/customers-by-email.ts';
import { adminGraphqlFromEnv } from '../../shared/shopify/admin-config.ts';
import { DynamoDbMemberImportStore } from '../../shared/store/dynamodb/member-import.ts';
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from '../support/fake-shopify-admin.ts';
import { addFakeCustomers, type FakeCustomers } from '../support/fake-shopify-customers.ts';
import { paidOrder } from '../support/fixtures.ts';
import { json, SHOP, sessionToken, silentLogger, testService } from '../support/http.ts';

const NOW = '2026-06-01T12:00:00Z';
const OTHER_SHOP = 'other-shop.myshopify.com';

let fake: FakeShopifyAdmin;
let customers: FakeCustomers;
let service: Awaited<ReturnType<typeof testService>>;

async function upload(csv: string, query = '', options: { shop?: string; type?: string } = {}) {
  const token = await sessionToken({ at: new Date(NOW), ...(options.shop ? { shop: options.shop } : {}) });
  return service.app.request(`/admin/imports${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': options.type ?? 'text/csv' }, body: csv });
}

async function admin(path: string, shop?: string) {
  const token = await sessionToken({ at: new Date(NOW), ...(shop ? { shop } : {}) });
  return service.app.request(`/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Every item of the table, by key: what a request that writes nothing leaves exactly as it was. */
async function tableItems(): Promise<Record<string, unknown>> {
  const { Items = [] } = await service.table.client.send(new ScanCommand({ TableName: service.table.tableName, ConsistentRead: true }));
  return Object.fromEntries(Items.map((item) => [`${item.PK?.S}|${item.SK?.S}`, item]));
}

const lotsOf = (customerId: string, shop = SHOP) => service.store.activeLots(shop, customerId);
const memberOf = (customerId: string, shop = SHOP) => service.store.getMember(shop, customerId);

beforeAll(async () => {
  fake = await startFakeShopifyAdmin();
  customers = addFakeCustomers(fake, { '5001': 'Ann@Example.com', '5002': 'bob@example.com', '5004': 'carol.smith@example.com' });
  const env = { SHOPIFY_ADMIN_URL: fake.url, SHOPIFY_ADMIN_ACCESS_TOKENS: JSON.stringify({ [SHOP]: fake.token, [OTHER_SHOP]: fake.token }) };
  service = await testService(NOW, { env });
  // Bob is a member already: an order before the import earned him 40 points.
  expect((await service.webhook('orders/paid', paidOrder({ id: 1, customerId: 5002, subtotal: '40.00', at: '2026-05-20T10:00:00Z' }))).status).toBe(200);
  await admin('/program');
  await admin('/program', OTHER_SHOP);
});
afterAll(() => fake?.close());

const BAD_FILE = [
  'merchant_id,email,points_approved,points_pending,tier',
  '6001,dee@example.com,250,0,Gold',
  ',ann@example.com,300,10,Silver',
  ',bob@,10,0,',
  '6002,eve@example.com,-20,0,',
  ',carol@example.com,15,0,',
  '6001,dee2@example.com,5,0,',
  ',nobody@example.com,lots,0,',
].join('\r\n');

describe('the members import', () => {
  it('answers a dry run with every bad row and its column, and writes nothing', async () => {
    const before = await tableItems();

    const response = await upload(BAD_FILE, '?dryRun=true');

    expect(response.status).toBe(200);
    const answer = await json(response);
    expect(answer).toMatchObject({ source: 'loyaltylion', rows: 7, valid: 2, problemCount: 5, summary: { members: 2, points: 550, byEmail: 1, newMembers: 2, alreadyImported: 0 } });
    expect(answer.problems.map((p: any) => [p.row, p.column])).toEqual([
      [4, 'email'],
      [5, 'points_approved'],
      [6, 'email'],
      [7, 'merchant_id'],
      [8, 'points_approved'],
    ]);
    expect(answer.problems[2].message).toContain('No customer of this shop has the email address carol@example.com');
    // Shopify was asked for the addresses exactly; "carol" matched "carol.smith" there, and that is no match.
    expect(customers.searches.at(-1)).toBe('email:"ann@example.com" OR email:"carol@example.com"');
    expect(await tableItems()).toEqual(before);
  });

  it('refuses a file with bad rows whole: 422 with every problem, nothing written', async () => {
    const before = await tableItems();

    const response = await upload(BAD_FILE);

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json(response);
    expect(problem).toMatchObject({ type: 'https://loyalty.dev/problems/invalid-import', status: 422, rows: 7, problemCount: 5 });
    expect(problem.problems).toHaveLength(5);
    expect(await tableItems()).toEqual(before);
    expect(await memberOf('6001')).toBeUndefined();
  });

  const GOOD_FILE = ['merchant_id,email,points_approved,tier', '6001,dee@example.com,250,Gold', ',ann@example.com,300,Silver', '5002,bob@example.com,50,', '6003,,0,'].join('\n');

  it("brings each balance in as one lot expiring by the program's expiry, new members enrolled, existing ones added to", async () => {
    const response = await upload(GOOD_FILE);

    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ source: 'loyaltylion', rows: 4, imported: 4, points: 600, alreadyImported: 0, complete: true, nextRow: null });
    expect(await memberOf('6001')).toMatchObject({ balance: 250, lifetimeEarned: 250, contact: { email: 'dee@example.com' } });
    expect(await memberOf('5001')).toMatchObject({ balance: 300, contact: { email: 'ann@example.com' } });
    expect(await memberOf('5002')).toMatchObject({ balance: 90 });
    expect(await memberOf('6003')).toMatchObject({ balance: 0 });
    expect(await lotsOf('6001')).toEqual([{ id: 'import:loyaltylion', source: 'import', earnedAt: '2026-06-01T12:00:00.000Z', expiresAt: '2027-06-01T12:00:00.000Z', points: 250 }]);
    const ledger = (await json(await admin('/members/5002/ledger'))).entries;
    expect(ledger[0]).toMatchObject({ type: 'adjust', points: 50, balanceAfter: 90, reason: 'Points brought over from LoyaltyLion', adjustedBy: '42' });
    expect((await service.member('5001')).balance).toBe(300);
  });

  it('adds nothing when the same file comes again, and says so', async () => {
    const before = await tableItems();

    const again = await json(await upload(GOOD_FILE));
    const dryRun = await json(await upload(GOOD_FILE, '?dryRun=1'));

    expect(again).toMatchObject({ imported: 0, points: 0, alreadyImported: 4, complete: true });
    expect(dryRun.summary).toMatchObject({ members: 4, alreadyImported: 4, newMembers: 0 });
    expect(await tableItems()).toEqual(before);
  });

  it('goes on from the row where a pass ran out of time, and two passes at once still import each member once', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${7000 + i},,${i + 1}`);
    const file = readMemberFile(['shopify_customer_id,email,points_balance', ...rows].join('\n'), SHOP);
    const ctx = {
      shop: newShop(SHOP, new Date(NOW)),
      store: new DynamoDbMemberImportStore(service.table.client, service.table.tableName),
      customers: new ShopifyCustomerDirectory(adminGraphqlFromEnv({ SHOPIFY_ADMIN_URL: fake.url }, { accessToken: async () => fake.token, refused: async () => undefined })),
      now: new Date(NOW),
      userId: '42',
    };

    const first = await importMembers(ctx, file, { timeLeft: () => false });
    const [a, b] = await Promise.all([importMembers(ctx, file, { from: first.nextRow!, timeLeft: () => true }), importMembers(ctx, file, { from: first.nextRow!, timeLeft: () => true })]);

    expect(first).toMatchObject({ imported: 50, complete: false, nextRow: 52 });
    expect(a.imported + b.imported).toBe(10);
    expect(a.alreadyImported + b.alreadyImported).toBe(10);
    expect(await memberOf('7059')).toMatchObject({ balance: 60 });
    expect(await lotsOf('7000')).toHaveLength(1);
  });

  it('exports every member as CSV, which imports cleanly into another shop and is refused by its own', async () => {
    const response = await admin('/members.csv');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="members-test-shop-2026-06-01.csv"');
    const csv = await response.text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('customer_id,email,first_name,last_name,balance,pending,tier,lifetime_earned,order_count,last_order_at,enrolled_at,stage,shop');
    expect(lines).toHaveLength(1 + 4 + 60);
    // Bob: his order's 40 points and the 50 imported; his contact as the order's customer gave it.
    expect(lines.find((line) => line.startsWith('5002,'))).toMatch(/^5002,[^,]*,[^,]*,[^,]*,90,0,Bronze,90,1,2026-05-20T10:00:00.000Z,2026-05-20T10:00:00.000Z,[a-z]*,test-shop.myshopify.com$/);

    const own = await upload(csv);
    expect(own.status).toBe(422);
    expect((await json(own)).problemCount).toBe(64);

    // As the admin screen does: the same file again from `nextRow` until a pass completes.
    let pass = await json(await upload(csv, '', { shop: OTHER_SHOP }));
    let imported = pass.imported;
    while (pass.nextRow) {
      pass = await json(await upload(csv, `?from=${pass.nextRow}`, { shop: OTHER_SHOP }));
      imported += pass.imported;
    }
    expect(pass).toMatchObject({ source: 'loyalty', complete: true });
    expect(imported).toBe(64);
    expect(await memberOf('5002', OTHER_SHOP)).toMatchObject({ balance: 90 });
    expect(await lotsOf('6001', OTHER_SHOP)).toEqual([expect.objectContaining({ id: 'import:loyalty', points: 250 })]);
  });

  it('gives the export in parts, each naming the next, when a shop has more members than a part holds', async () => {
    // The same routes with parts of 30 members, behind a stand-in for the session token check.
    const routes = new Hono<{ Variables: { user: SessionUser; now: Date } }>()
      .use(async (c, next) => {
        c.set('user', { shop: SHOP, userId: '42' });
        c.set('now', new Date(NOW));
        await next();
      })
      .route('/', migrationRoutes({ store: service.store, logger: silentLogger() } as unknown as ApiDeps, { exportPartMembers: 30 }));
    const parts: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const response = await routes.request(`/members.csv${cursor ? `?cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      // The bytes as sent (Response.text() would drop the BOM that tells spreadsheets it is UTF-8).
      parts.push(Buffer.from(await response.arrayBuffer()).toString('utf8'));
      cursor = response.headers.get('loyalty-next-cursor');
    }

    expect(parts).toHaveLength(3);
    expect(parts[0]!.startsWith('\uFEFFcustomer_id,')).toBe(true);
    expect(parts.slice(1).every((part) => /^\d/.test(part))).toBe(true);
    const ids = parts.join('').replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
    expect(ids).toHaveLength(64);
    expect(new Set(ids).size).toBe(64);
    expect((await admin('/members.csv?cursor=not-a-cursor')).status).toBe(400);
  });

  it('refuses what is not a member file: another media type, too many bytes, too many rows', async () => {
    const big = `email,points\n${'a'.repeat(5 * 1024 * 1024)}`;
    const manyRows = `shopify_customer_id,points\n${Array.from({ length: 20_001 }, (_, i) => `${i + 1},1`).join('\n')}`;

    expect((await upload('{"email":"a@b.c"}', '', { type: 'application/json' })).status).toBe(415);
    expect((await upload(big, '?dryRun=true')).status).toBe(413);
    const tooMany = await upload(manyRows, '?dryRun=true');
    expect(tooMany.status).toBe(413);
    expect((await json(tooMany)).detail).toContain('20001 rows');
    expect((await upload('email,points\na@example.com,1', '?dryRun=maybe')).status).toBe(400);
    const unknown = await json(await upload('name,score\nAnn,5\n', '?dryRun=true'));
    expect(unknown).toMatchObject({ source: null, rows: 1, valid: 0, problemCount: 1, problems: [{ row: 1, message: expect.stringContaining('header row') }] });
    expect((await upload('name,score\nAnn,5\n')).status).toBe(422);
  });

  it('answers 503 with Retry-After when Shopify cannot look the addresses up now, and writes nothing', async () => {
    const before = await tableItems();
    customers.throttleNext = 1;

    const response = await upload('email,points\nann@example.com,5\n');

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await json(response)).type).toBe('https://loyalty.dev/problems/shopify-unavailable');
    expect(await tableItems()).toEqual(before);
  });
});
