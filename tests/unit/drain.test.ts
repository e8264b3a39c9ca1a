import { describe, expect, it } from 'vitest';
import { drain, type DueSource } from '../../shared/jobs/drain.ts';

interface Due {
  shop: string;
  key: string;
}

/** An index in memory: what is done leaves it, and each walk reads what is left, `pageSize` at a time. */
function indexOf(items: Due[], work: (item: Due) => Promise<void> = async () => {}) {
  const left = [...items];
  const done: string[] = [];
  let walks = 0;
  const source: DueSource<Due> = {
    async *pages(pageSize) {
      walks++;
      const snapshot = [...left];
      for (let i = 0; i < snapshot.length; i += pageSize) yield snapshot.slice(i, i + pageSize);
    },
    shopOf: (item) => item.shop,
    keyOf: (item) => item.key,
    work: async ([item]) => {
      await work(item!);
      done.push(item!.key);
      left.splice(left.findIndex((other) => other.key === item!.key), 1);
    },
  };
  return { source, done, walks: () => walks };
}

const backlog = (shop: string, count: number, from = 0): Due[] => Array.from({ length: count }, (_, i) => ({ shop, key: `${shop}-${from + i}` }));

describe('draining the due index', () => {
  it('goes on until nothing is due, however many pages and walks that takes', async () => {
    const { source, done } = indexOf(backlog('big', 500));

    const run = await drain(source, { pageSize: 7, shopQueueCap: 10, readAhead: 20, concurrency: 3 });

    expect(run).toMatchObject({ units: 500, items: 500, more: false });
    expect(new Set(done).size).toBe(500);
  });

  it('serves a shop whose few items stand behind another shop’s backlog within the first units', async () => {
    const { source, done } = indexOf([...backlog('big', 200), ...backlog('little', 3)]);

    await drain(source, { pageSize: 50, shopQueueCap: 5, readAhead: 20, concurrency: 1 });

    // Behind 200 of the big shop's in the index (four pages), but done among the first eight.
    const firstLittle = done.findIndex((key) => key.startsWith('little'));
    expect(firstLittle).toBeLessThan(8);
    expect(done.filter((key) => key.startsWith('little'))).toHaveLength(3);
    expect(done.indexOf('little-2')).toBeLessThan(12);
  });

  it('takes a unit whose key is found twice in a walk once, with both items', async () => {
    const seen: number[] = [];
    const source: DueSource<Due> = {
      async *pages() {
        yield [{ shop: 's', key: 'member-1' }, { shop: 's', key: 'member-2' }, { shop: 's', key: 'member-1' }];
      },
      shopOf: (item) => item.shop,
      keyOf: (item) => item.key,
      work: async (items) => void seen.push(items.length),
    };

    const run = await drain(source, { concurrency: 1, readAhead: 10 });

    expect(run).toMatchObject({ units: 2, items: 3, walks: 1, more: false });
    expect(seen).toContain(2);
  });

  it('stops starting work when the budget runs out, finishes what is in flight, and says more is left', async () => {
    const { source, done } = indexOf(backlog('big', 50));
    let started = 0;
    const slow = { ...source, work: async (items: Due[]) => void (started++, await source.work(items)) };

    const run = await drain(slow, { pageSize: 10, concurrency: 4, budget: { remains: () => started < 6 } });

    expect(run.more).toBe(true);
    expect(done).toHaveLength(started);
    expect(started).toBeGreaterThanOrEqual(6);
    expect(started).toBeLessThan(10);
  });

  it('fails with the first error, after the work in flight is over', async () => {
    let finished = 0;
    const { source } = indexOf(backlog('s', 10), async (item) => {
      if (item.key === 's-1') throw new Error('boom');
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished++;
    });

    await expect(drain(source, { concurrency: 3 })).rejects.toThrow('boom');
    expect(finished).toBeGreaterThanOrEqual(2);
  });
});
