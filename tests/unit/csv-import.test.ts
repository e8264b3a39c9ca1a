/**
 * The members file, read and checked whole before anything is looked up or written: the shapes
 * Smile.io and LoyaltyLion export and this app's own, recognised by their header row; every bad
 * row named with its column; CSV as spreadsheets write it (a BOM, CRLF, quoted commas, semicolons).
 */
import { describe, expect, it } from 'vitest';
import { readMemberFile } from '../../shared/migration/member-rows.ts';
import { membersCsvHeader, membersCsvRows } from '../../shared/migration/members-csv.ts';
import { importWrite } from '../../shared/migration/import-members.ts';
import { newShop } from '../../shared/earning/shops.ts';
import type { Member } from '../../shared/ledger/types.ts';
import { ledgerItem } from '../../shared/store/dynamodb/items.ts';
import { figureSourceOf } from '../../shared/store/dynamodb/stream-records.ts';
import { eventsOf } from '../../shared/stream/events-of.ts';

const SHOP = 'test-shop.myshopify.com';
const read = (text: string) => readMemberFile(text, SHOP);

describe('reading a member file', () => {
  it('recognises a Smile.io customer export by its header, whatever the case and spacing', () => {
    const file = read('First name,Last name,Email,Points balance,VIP tier,Date of birth,Referral URL\nAnn,Lee,Ann@Example.com,1200,Gold,1990-04-02,https://x.test/r/ann\n');

    expect(file.shape?.source).toBe('smile');
    expect(file.problems).toEqual([]);
    expect(file.rows).toEqual([{ row: 2, email: 'ann@example.com', points: 1200, firstName: 'Ann', lastName: 'Lee' }]);
    expect(file.ignoredColumns).toEqual([]);
  });

  it("reads Smile's own email,points template", () => {
    const file = read('email,points\nbo@example.com,40\n');

    expect(file.shape?.source).toBe('smile');
    expect(file.rows).toEqual([{ row: 2, email: 'bo@example.com', points: 40 }]);
  });

  it('recognises a LoyaltyLion export and takes the Shopify customer id from merchant_id, approved points only', () => {
    const file = read('id,merchant_id,email,points_approved,points_pending,points_spent,tier,enrolled_at\n88,7012345678901,cy@example.com,350,20,100,Silver,2025-01-02T10:00:00Z\n');

    expect(file.shape?.source).toBe('loyaltylion');
    expect(file.rows).toEqual([{ row: 2, customerId: '7012345678901', email: 'cy@example.com', points: 350 }]);
  });

  it("reads this app's own export, customer ids given as numbers or as Shopify gids", () => {
    const file = read(`${membersCsvHeader()}1001,a@example.com,A,B,75,0,Bronze,75,1,,2026-01-01T00:00:00.000Z,,other-shop.myshopify.com\ngid://shopify/Customer/1002,,,,5,0,Bronze,5,0,,2026-01-01T00:00:00.000Z,,other-shop.myshopify.com\n`);

    expect(file.shape?.source).toBe('loyalty');
    expect(file.problems).toEqual([]);
    expect(file.rows.map((row) => [row.customerId, row.points])).toEqual([['1001', 75], ['1002', 5]]);
  });

  it('lists every bad row with its column: bad email, negative points, not a number, separators, decimals, no one named', () => {
    const file = read(
      [
        'email,points_balance,customer_id',
        'ok@example.com,10,',
        'bob@,10,',
        'neg@example.com,-5,',
        'nan@example.com,lots,',
        'sep@example.com,"1,200",',
        'dec@example.com,12.5,',
        ',10,',
        'id@example.com,10,12ab',
        'none@example.com,,',
      ].join('\n'),
    );

    expect(file.rows.map((row) => row.row)).toEqual([2]);
    expect(file.problems.map(({ row, column }) => [row, column])).toEqual([
      [3, 'email'],
      [4, 'points_balance'],
      [5, 'points_balance'],
      [6, 'points_balance'],
      [7, 'points_balance'],
      [8, 'email'],
      [9, 'customer_id'],
      [10, 'points_balance'],
    ]);
    expect(file.problems[1]!.message).toMatch(/cannot be negative/);
    expect(file.problems[3]!.message).toContain('without separators');
    expect(file.problems[4]!.message).toContain('whole numbers');
    expect(file.problems[5]!.message).toContain('names no one');
  });

  it('refuses a customer named twice, by id, or by email in any case where a row has no id, naming the first row', () => {
    const file = read('merchant_id,email,points_approved\n11,a@example.com,1\n12,b@example.com,2\n11,c@example.com,3\n,B@Example.com,4\n13,b@example.com,5\n');

    // Row 6 has an id of its own: the id is who it is, the email only contact data.
    expect(file.rows.map((row) => row.row)).toEqual([2, 3, 6]);
    expect(file.problems).toEqual([
      { row: 4, column: 'merchant_id', message: expect.stringContaining('row 2') },
      { row: 5, column: 'email', message: expect.stringContaining('row 3') },
    ]);
  });

  it('names unknown columns without refusing them', () => {
    const file = read('email,points,favourite colour\na@example.com,5,blue\n');

    expect(file.problems).toEqual([]);
    expect(file.ignoredColumns).toEqual(['favourite colour']);
  });

  it('reads a BOM, CRLF line ends, quoted commas and quotes, and skips blank lines', () => {
    const file = read('\uFEFFemail,points_balance,first_name,last_name\r\na@example.com,5,"Lee, Ann","O""Neil"\r\n\r\n,,,\r\nb@example.com,6,Bo,\r\n');

    expect(file.problems).toEqual([]);
    expect(file.rowCount).toBe(2);
    expect(file.rows).toEqual([
      { row: 2, email: 'a@example.com', points: 5, firstName: 'Lee, Ann', lastName: 'O"Neil' },
      { row: 5, email: 'b@example.com', points: 6, firstName: 'Bo' },
    ]);
  });

  it('reads a semicolon-separated file (spreadsheets in many European locales)', () => {
    const file = read('email;points_balance\na@example.com;7\n');

    expect(file.rows).toEqual([{ row: 2, email: 'a@example.com', points: 7 }]);
  });

  it('says a row has more values than columns (an unquoted comma) instead of shifting them', () => {
    const file = read('email,points_balance,first_name\na@example.com,5,Lee, Ann\n');

    expect(file.rows).toEqual([]);
    expect(file.problems).toEqual([{ row: 2, message: expect.stringContaining('double quotes') }]);
  });

  it('refuses a file that is not CSV or has no header it knows, saying where and why', () => {
    expect(read('email,points\n"a@example.com,5\n').problems).toEqual([{ row: 2, message: expect.stringContaining('never closes') }]);
    expect(read('name,score\nAnn,5\n').problems).toEqual([{ row: 1, message: expect.stringContaining('header row') }]);
    expect(read('').problems).toEqual([{ row: 1, message: expect.stringContaining('empty') }]);
  });

  it("refuses this app's export re-imported into the shop it came from: its points are already there", () => {
    const file = read(`${membersCsvHeader()}1001,a@example.com,,,75,0,Bronze,75,1,,2026-01-01T00:00:00.000Z,,${SHOP}\n`);

    expect(file.problems).toEqual([{ row: 2, column: 'shop', message: expect.stringContaining('count them twice') }]);
  });
});

describe('the members export', () => {
  const member = (customerId: string, over: Partial<Member> = {}): Member => ({
    shop: SHOP, customerId, enrolledAt: '2026-01-02T00:00:00.000Z', balance: 120, consumed: 0, pending: 30, lifetimeEarned: 150, spendByOrder: {}, tier: 'Silver', tierAsOf: '2026-01-02T00:00:00.000Z',
    orderCount: 3, lastOrderAt: '2026-05-01T00:00:00.000Z', contact: { email: 'a@example.com', firstName: 'Ann', lastName: 'Lee, Jr' }, rev: 1, ...over,
  });

  it('writes one row per member, quoting what needs it, and guarding formula-like text', () => {
    const text = membersCsvHeader() + membersCsvRows([member('1001'), member('1002', { contact: { email: 'b@example.com', firstName: '=HYPERLINK("x")' } })], SHOP);

    expect(text.split('\r\n')[0]).toBe('customer_id,email,first_name,last_name,balance,pending,tier,lifetime_earned,order_count,last_order_at,enrolled_at,stage,shop');
    expect(text).toContain('1001,a@example.com,Ann,"Lee, Jr",120,30,Silver,150,3,2026-05-01T00:00:00.000Z,2026-01-02T00:00:00.000Z,,test-shop.myshopify.com');
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('reads back in another shop as the same members and balances, names unguarded', () => {
    const text = membersCsvHeader() + membersCsvRows([member('1001'), member('1002', { contact: { firstName: '=cmd' } })], SHOP);
    const file = readMemberFile(text, 'another-shop.myshopify.com');

    expect(file.problems).toEqual([]);
    expect(file.rows).toEqual([
      { row: 2, customerId: '1001', email: 'a@example.com', points: 120, firstName: 'Ann', lastName: 'Lee, Jr' },
      { row: 3, customerId: '1002', points: 120, firstName: '=cmd' },
    ]);
  });
});

describe('an imported balance', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const shop = newShop(SHOP, now);

  it("becomes one lot expiring by the program's expiry, with its ledger entry, enrolling a new member with the file's contact", () => {
    const write = importWrite({ shop, now, userId: '42' }, 'smile', { row: 2, customerId: '1001', email: 'a@example.com', points: 300, firstName: 'Ann' }, { imported: false });

    expect(write.lot).toEqual({ id: 'import:smile', source: 'import', earnedAt: now.toISOString(), expiresAt: '2027-06-01T12:00:00.000Z', points: 300 });
    expect(write.member).toMatchObject({ customerId: '1001', balance: 300, lifetimeEarned: 300, rev: 0, contact: { email: 'a@example.com', firstName: 'Ann' } });
    expect(write.entry).toMatchObject({ id: 'import:smile', type: 'adjust', points: 300, balanceAfter: 300, reason: 'Points brought over from Smile.io', adjustedBy: '42' });
  });

  it('sends no points_earned event (no Flow run per migrated member) where a manual adjustment would', () => {
    const { entry } = importWrite({ shop, now, userId: '42' }, 'smile', { row: 2, customerId: '1001', points: 300 }, { imported: false });
    const manual = { ...entry!, id: 'adjust:abc', reason: 'goodwill' };
    const eventTypes = (e: typeof entry) => eventsOf(figureSourceOf({ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: ledgerItem(SHOP, '1001', e!) } })!, shop).map((event) => event.type).filter((type) => type === 'points_earned');

    expect(eventTypes(entry)).toEqual([]);
    expect(eventTypes(manual)).toEqual(['points_earned']);
  });

  it('adds to an existing member without touching their contact; zero points write no ledger entry', () => {
    const existing = { ...importWrite({ shop, now, userId: '42' }, 'smile', { row: 2, customerId: '1001', points: 0 }, { imported: false }).member, balance: 50, rev: 4, contact: { email: 'kept@example.com' } };
    const write = importWrite({ shop, now, userId: '42' }, 'loyaltylion', { row: 2, customerId: '1001', email: 'other@example.com', points: 0 }, { member: existing, imported: false });

    expect(write.member).toMatchObject({ balance: 50, rev: 4, contact: { email: 'kept@example.com' } });
    expect(write.lot.id).toBe('import:loyaltylion');
    expect(write.entry).toBeUndefined();
  });
});
