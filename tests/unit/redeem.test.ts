import { describe, expect, it } from 'vitest';
import { newShop } from '../../shared/earning/shops.ts';
import type { Lot, Member } from '../../shared/ledger/types.ts';
import { InsufficientPointsError } from '../../shared/rewards/errors.ts';
import { redeem } from '../../shared/rewards/redeem.ts';

const now = new Date('2026-06-01T12:00:00Z');
const shop = { ...newShop('shop.myshopify.com', now, 'USD'), rev: 1 };

const lot = (id: string, points: number, expiresAt: string): Lot => ({ id, source: 'order', orderId: id, earnedAt: '2025-06-01T00:00:00.000Z', expiresAt, points });
const member = (balance: number, consumed = 0): Member => ({
  shop: shop.shop,
  customerId: '7',
  enrolledAt: '2025-01-01T00:00:00.000Z',
  balance,
  consumed,
  pending: 0,
  lifetimeEarned: balance + consumed,
  spendByOrder: {},
  tier: 'Bronze',
  tierAsOf: '2025-01-01T00:00:00.000Z',
  contact: {},
  rev: 3,
});

describe('redemption', () => {
  // 600 points: 500 that expired yesterday (the expire job has not run yet) and 100 still good.
  const lots = [lot('old', 500, '2026-05-31T00:00:00.000Z'), lot('new', 100, '2027-01-01T00:00:00.000Z')];

  it('never spends points past their date, even before the expire job settled them', () => {
    expect(() => redeem({ shop, customerId: '7', member: member(600), lots, now, code: 'LOY-AAAA' }, 'five-off')).toThrow(InsufficientPointsError);
  });

  it('expires them first in the same change, then pays from what is left', () => {
    const good = [lot('old', 500, '2026-05-31T00:00:00.000Z'), lot('new', 400, '2027-01-01T00:00:00.000Z')];
    const { change } = redeem({ shop, customerId: '7', member: member(900), lots: good, now, code: 'LOY-BBBB' }, 'free-shipping');

    expect(change.entries.map((entry) => [entry.type, entry.points, entry.balanceAfter])).toEqual([
      ['expire', -500, 400],
      ['redeem', -300, 100],
    ]);
    expect(change.lots).toEqual([{ ...good[0], settledAt: now.toISOString(), expired: 500 }]);
    expect(change.member).toMatchObject({ balance: 100, consumed: 300 });
    // The stored member still holds the expiring points: the write expects them there too.
    expect(change.memberMinBalance).toBe(800);
  });

  it('expires nothing when no lot is past its date', () => {
    const { change } = redeem({ shop, customerId: '7', member: member(600), lots: [lot('new', 600, '2027-01-01T00:00:00.000Z')], now, code: 'LOY-CCCC' }, 'five-off');
    expect(change.lots).toEqual([]);
    expect(change.entries.map((entry) => entry.type)).toEqual(['redeem']);
    expect(change.memberMinBalance).toBe(500);
  });
});
