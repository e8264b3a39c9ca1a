import { describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import type { Lot, Member } from '../../shared/ledger/types.ts';
import { memberMetafields, metafieldsFingerprint, pointsExpiring } from '../../shared/stream/member-metafields.ts';
import { memberSyncDecision, movesMetafields, outboundWorkOf, workOfChanges, workOfMessageBody, workMessageBody, type OutboundSource } from '../../shared/stream/outbound-work.ts';
import type { OutboundEvent } from '../../shared/stream/outbound.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const shop = newShop('shop.myshopify.com', NOW, 'USD');

const lot = (id: string, points: number, expiresAt: string, extra: Partial<Lot> = {}): Lot => ({ id, source: 'order', earnedAt: '2026-01-01T00:00:00Z', expiresAt, points, ...extra });

function member(overrides: Partial<Member> = {}): Member {
  return {
    shop: shop.shop,
    customerId: '42',
    enrolledAt: '2026-01-01T00:00:00Z',
    balance: 0,
    consumed: 0,
    pending: 0,
    lifetimeEarned: 0,
    spendByOrder: {},
    tier: 'Bronze',
    tierAsOf: '2026-01-01T00:00:00Z',
    ...overrides,
  } as Member;
}

const valueOf = (values: ReturnType<typeof memberMetafields>, key: string) => values.find((value) => value.key === key);

describe('member metafields', () => {
  it('hold the balance, the tier, the next tier with what remains, and the soonest expiring points', () => {
    const lots = [lot('a', 300, '2026-09-01T10:00:00Z'), lot('b', 200, '2026-09-01T18:00:00Z'), lot('c', 100, '2027-01-01T00:00:00Z')];
    const values = memberMetafields(shop, member({ balance: 550, consumed: 50, spendByOrder: { o1: { at: '2026-05-01T00:00:00Z', minor: 60_000, multiplier: 1 } }, tierAsOf: '2026-05-01T00:00:00Z' }), lots, NOW);

    expect(values.map(({ key }) => key)).toEqual(['points_balance', 'tier', 'next_tier', 'points_expiring']);
    expect(valueOf(values, 'points_balance')).toEqual({ key: 'points_balance', type: 'number_integer', value: '550' });
    expect(valueOf(values, 'tier')).toEqual({ key: 'tier', type: 'single_line_text_field', value: 'Silver' });
    expect(JSON.parse(valueOf(values, 'next_tier')!.value)).toEqual({ name: 'Gold', remaining: '900.00', minSpend: '1500.00', currency: 'USD' });
    // 50 consumed from the oldest lot: 250 + 200 left on the soonest day.
    expect(JSON.parse(valueOf(values, 'points_expiring')!.value)).toEqual({ points: 450, date: '2026-09-01', expiresAt: '2026-09-01T10:00:00Z' });
    for (const value of values) expect(typeof value.value).toBe('string');
  });

  it('show no next tier at the top tier, and nothing expiring without spendable lots', () => {
    const values = memberMetafields(shop, member({ spendByOrder: { o1: { at: '2026-05-01T00:00:00Z', minor: 200_000, multiplier: 1 } }, tierAsOf: '2026-05-01T00:00:00Z' }), [lot('p', 100, '2027-01-01T00:00:00Z', { pendingUntil: '2026-07-01T00:00:00Z' })], NOW);
    expect(valueOf(values, 'tier')!.value).toBe('Gold');
    expect(JSON.parse(valueOf(values, 'next_tier')!.value)).toEqual({ name: null, remaining: null, minSpend: null, currency: 'USD' });
    expect(JSON.parse(valueOf(values, 'points_expiring')!.value)).toEqual({ points: 0, date: null, expiresAt: null });
  });

  it('leave out points past their date, even before the expire job settles them', () => {
    const lots = [lot('old', 100, '2026-05-01T00:00:00Z'), lot('new', 40, '2026-12-01T00:00:00Z')];
    const values = memberMetafields(shop, member({ balance: 140 }), lots, NOW);
    expect(valueOf(values, 'points_balance')!.value).toBe('40');
    expect(pointsExpiring(lots, 0, NOW)).toEqual({ points: 40, date: '2026-12-01', expiresAt: '2026-12-01T00:00:00Z' });
  });

  it('have a fingerprint that changes with any value and only then', () => {
    const a = memberMetafields(shop, member({ balance: 10 }), [], NOW);
    const b = memberMetafields(shop, member({ balance: 11 }), [], NOW);
    expect(metafieldsFingerprint(a)).toBe(metafieldsFingerprint(memberMetafields(shop, member({ balance: 10 }), [], NOW)));
    expect(metafieldsFingerprint(a)).not.toBe(metafieldsFingerprint(b));
  });
});

describe('the member sync window', () => {
  const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it('lets the first sync through, and skips one whose values were written last', () => {
    expect(memberSyncDecision(undefined, 'f1', NOW)).toEqual({ kind: 'write' });
    expect(memberSyncDecision({ syncedAt: NOW.toISOString(), fingerprint: 'f1' }, 'f1', at(1))).toEqual({ kind: 'skip' });
  });

  it('defers a sync that comes within the window to the window’s end, and lets it through from then', () => {
    const state = { syncedAt: NOW.toISOString(), fingerprint: 'f1' };
    expect(memberSyncDecision(state, 'f2', at(3), 10_000)).toEqual({ kind: 'defer', until: at(10).toISOString() });
    expect(memberSyncDecision(state, 'f2', at(10), 10_000)).toEqual({ kind: 'write' });
  });
});

describe('the work of a stream batch', () => {
  const source = (customerId: string, before: Partial<Member> | undefined, after: Partial<Member>): OutboundSource => ({
    kind: 'member',
    shop: shop.shop,
    ...(before ? { before: member({ customerId, ...before }) } : {}),
    after: member({ customerId, ...after }),
  });
  const noEvents = () => [] as OutboundEvent[];

  it('makes one sync per member however many of their records the batch holds', () => {
    const work = outboundWorkOf([source('1', undefined, { balance: 10 }), source('2', { balance: 0 }, { balance: 5 }), source('1', { balance: 10 }, { balance: 20 }), undefined], noEvents);
    expect(work).toEqual([
      { kind: 'member', shop: shop.shop, customerId: '1' },
      { kind: 'member', shop: shop.shop, customerId: '2' },
    ]);
  });

  it('makes no sync for a change that moves no metafield (contact details)', () => {
    expect(movesMetafields({ before: member({ balance: 5 }), after: member({ balance: 5, contact: { email: 'a@example.com' } } as any) })).toBe(false);
    expect(outboundWorkOf([source('1', { balance: 5 }, { balance: 5 })], noEvents)).toEqual([]);
  });

  it('makes a program sync when the program or the currency changes, and carries each event once', () => {
    const event: OutboundEvent = { id: 'points_earned:x', type: 'points_earned', shop: shop.shop, customerId: '1', occurredAt: NOW.toISOString(), data: {} };
    const changed = { kind: 'shop' as const, shop: shop.shop, before: shop, after: { ...shop, programVersion: shop.programVersion + 1 } };
    const same = { kind: 'shop' as const, shop: shop.shop, before: shop, after: { ...shop, rev: shop.rev + 1 } };
    expect(outboundWorkOf([same], noEvents)).toEqual([]);
    expect(outboundWorkOf([changed, changed], () => [event])).toEqual([
      { kind: 'program', shop: shop.shop },
      { kind: 'event', event },
    ]);
  });

  it('tells of a change whose events cannot be derived and goes on with the rest of the batch', async () => {
    const broken = { kind: 'ledger', shop: shop.shop, customerId: '9', entry: undefined } as unknown as OutboundSource;
    const errors: string[] = [];
    const work = await workOfChanges([broken, source('1', undefined, { balance: 10 })], async () => shop, (failed) => errors.push(failed.kind));
    expect(errors).toEqual(['ledger']);
    expect(work).toEqual([{ kind: 'member', shop: shop.shop, customerId: '1' }]);
  });

  it('reads back the work from a queue message, and nothing from a body that is no work', () => {
    const work = { kind: 'member' as const, shop: shop.shop, customerId: '1', deferredUntil: NOW.toISOString() };
    expect(workOfMessageBody(workMessageBody(work))).toEqual(work);
    expect(workOfMessageBody('{"kind":"member"}')).toBeUndefined();
    expect(workOfMessageBody('not json')).toBeUndefined();
  });
});
