/** The figures' pure core: what a stored change moves, and the aggregator's batching and marks. */
import { describe, expect, it } from 'vitest';
import { aggregate, type StreamChange } from '../../shared/kpis/aggregate.ts';
import { figuresOf } from '../../shared/kpis/figures-of.ts';
import { historySums, orderHistoryDeltas } from '../../shared/kpis/histories.ts';
import type { Member } from '../../shared/ledger/types.ts';
import type { FigureBatch, FigureBatchResult } from '../../shared/store/ports/figures.ts';

const SHOP = 'unit.myshopify.com';

function member(orders: Record<string, { at: string; cancelled?: true }>, extra: Partial<Member> = {}): Member {
  const spendByOrder = Object.fromEntries(Object.entries(orders).map(([id, o]) => [id, { at: o.at, minor: 1000, multiplier: 1, ...(o.cancelled ? { cancelled: true as const } : {}) }]));
  const last = Object.values(orders).map((o) => o.at).sort().at(-1) ?? '2026-01-01T00:00:00Z';
  return { shop: SHOP, customerId: '1', enrolledAt: '2026-01-01T00:00:00Z', balance: 0, consumed: 0, pending: 0, lifetimeEarned: 0, spendByOrder, tier: 'Bronze', tierAsOf: last, contact: {}, rev: 1, ...extra };
}

/** The figures a range reads from per-day deltas summed over its days. */
function rangeFigures(deltas: Map<string, Record<string, number>>, from: string, to: string) {
  const items = [...deltas].filter(([day]) => day >= from && day <= to).map(([bucket, counters]) => ({ bucket, counters }));
  const sums = historySums(items, from);
  return { buyers: sums.buyers, repeat: sums.repeatCustomers, gaps: sums.gaps };
}

describe('order histories', () => {
  const three = member({ a: { at: '2026-03-01T10:00:00Z' }, b: { at: '2026-03-10T10:00:00Z' }, c: { at: '2026-03-20T10:00:00Z' } });

  it('count a customer once per range, as a repeat customer when two orders fall in it', () => {
    const deltas = orderHistoryDeltas(undefined, three);
    expect(rangeFigures(deltas, '2026-03-01', '2026-03-31')).toEqual({ buyers: 1, repeat: 1, gaps: 2 });
    expect(rangeFigures(deltas, '2026-03-05', '2026-03-31')).toEqual({ buyers: 1, repeat: 1, gaps: 1 });
    expect(rangeFigures(deltas, '2026-03-15', '2026-03-31')).toEqual({ buyers: 1, repeat: 0, gaps: 0 });
    expect(rangeFigures(deltas, '2026-03-02', '2026-03-09')).toEqual({ buyers: 0, repeat: 0, gaps: 0 });
  });

  it('move only what a late, earlier order changes, and end as if delivered in order', () => {
    const twoLater = member({ a: { at: '2026-03-01T10:00:00Z' }, c: { at: '2026-03-20T10:00:00Z' } });
    const first = orderHistoryDeltas(undefined, twoLater);
    const late = orderHistoryDeltas(twoLater, three);
    const summed = new Map(first);
    for (const [day, add] of late) {
      const into = { ...(summed.get(day) ?? {}) };
      for (const [name, by] of Object.entries(add)) into[name] = (into[name] ?? 0) + by;
      summed.set(day, into);
    }
    for (const [from, to] of [['2026-03-01', '2026-03-31'], ['2026-03-05', '2026-03-31'], ['2026-03-15', '2026-03-25']]) {
      expect(rangeFigures(summed, from!, to!)).toEqual(rangeFigures(orderHistoryDeltas(undefined, three), from!, to!));
    }
  });

  it('leave a cancelled order out', () => {
    const cancelled = member({ a: { at: '2026-03-01T10:00:00Z' }, b: { at: '2026-03-10T10:00:00Z', cancelled: true } });
    expect(rangeFigures(orderHistoryDeltas(undefined, cancelled), '2026-03-01', '2026-03-31')).toEqual({ buyers: 1, repeat: 0, gaps: 0 });
  });
});

describe('figuresOf', () => {
  it('counts a new member, their tier and liability in the gauges, and the day they joined', () => {
    const deltas = figuresOf({ kind: 'member', shop: SHOP, after: member({}, { balance: 120, enrolledAt: '2026-02-02T09:00:00Z' }) });
    expect(deltas).toEqual(
      expect.arrayContaining([
        { shop: SHOP, bucket: 'gauge', add: { members: 1, 'tier:Bronze': 1, liabilityPoints: 120 } },
        { shop: SHOP, bucket: '2026-02-02', add: { newMembers: 1 } },
      ]),
    );
  });

  it('counts an order on the day it was paid, and takes it back when cancelled', () => {
    const paid = { shop: SHOP, orderId: '9', customerId: '1', paid: { at: '2026-02-03T10:00:00Z' } as never, refunds: {}, reversedPoints: 0, spendCounted: 5000, rev: 1 };
    expect(figuresOf({ kind: 'order', shop: SHOP, after: paid })).toEqual([{ shop: SHOP, bucket: '2026-02-03', add: { revenueMinor: 5000, orders: 1 } }]);
    expect(figuresOf({ kind: 'order', shop: SHOP, before: paid, after: { ...paid, cancelledAt: '2026-02-04T00:00:00Z', spendCounted: 0, rev: 2 } })).toEqual([
      { shop: SHOP, bucket: '2026-02-03', add: { revenueMinor: -5000, orders: -1 } },
    ]);
  });
});

describe('aggregate', () => {
  const ledger = (n: number): StreamChange => ({
    sequence: String(100 + n),
    source: { kind: 'ledger', shop: SHOP, entry: { id: `e${n}`, type: 'earn', points: 10, occurredAt: '2026-02-03T10:00:00Z', recordedAt: '2026-02-03T10:00:00Z', balanceAfter: 10 } },
  });

  /** A store that keeps marks and counts like DynamoDB would, and fails the calls it is told to. */
  function markStore(failOn: Set<number> = new Set()) {
    const marks = new Map<string, string>();
    const earned = { total: 0 };
    let calls = 0;
    const store = {
      async applyFigures(batch: FigureBatch): Promise<FigureBatchResult> {
        if (failOn.has(++calls)) throw new Error('throttled');
        const through = marks.get(batch.first);
        if (through) return { applied: false, through };
        marks.set(batch.first, batch.last);
        earned.total += batch.deltas.reduce((sum, d) => sum + (d.add.pointsEarned ?? 0), 0);
        return { applied: true };
      },
    };
    return { store, earned };
  }

  it('applies a batch once however often it is delivered, and goes on past what a longer retry already holds', async () => {
    const { store, earned } = markStore();
    const records = Array.from({ length: 5 }, (_, i) => ledger(i));
    await aggregate(store, records.slice(0, 3), new Date());
    await aggregate(store, records.slice(0, 3), new Date());
    expect(await aggregate(store, records, new Date())).toMatchObject({ skipped: 3, applied: 2 });
    expect(earned.total).toBe(50);
  });

  it('reports the first record not applied when a write fails, and a retry from there ends exact', async () => {
    const { store, earned } = markStore(new Set([1]));
    const run = await aggregate(store, [ledger(0), ledger(1)], new Date());
    expect(run.failedFrom).toBe('100');
    expect(earned.total).toBe(0);
    await aggregate(store, [ledger(0), ledger(1)], new Date());
    expect(earned.total).toBe(20);
  });

  it('stops when told to, handing back the rest', async () => {
    const { store } = markStore();
    expect(await aggregate(store, [ledger(0)], new Date(), () => false)).toMatchObject({ failedFrom: '100', applied: 0 });
  });
});
