/**
 * The program's health over time: a date range cut into days, weeks or months, each bucket with
 * the figures `programKpis` gives for a range. Each day's items are read once, bucket by bucket
 * (the stored items do not say which day they belong to, so a bucket is one read of its days).
 */
import { addDays, utcDay } from '../clock.ts';
import type { FigureStore, Shop } from '../store/ports.ts';
import { InvalidRangeError, daysOf, kpisOf, type StatsItems } from './kpis.ts';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Reads in flight at once: a year by day is 366 small reads, not 366 at the same moment. */
const CONCURRENT_READS = 8;

/**
 * The buckets of a range: days; weeks from Monday to Sunday; calendar months. The first and last
 * are cut to the range, so every day of the range is in exactly one bucket.
 */
export function bucketsOf(from: string, to: string, interval: Interval): { from: string; to: string; days: string[] }[] {
  const buckets: { from: string; to: string; days: string[] }[] = [];
  for (const day of daysOf(from, to)) {
    const startsBucket =
      buckets.length === 0 || interval === 'day' || (interval === 'week' && new Date(`${day}T00:00:00Z`).getUTCDay() === 1) || (interval === 'month' && day.endsWith('-01'));
    if (startsBucket) buckets.push({ from: day, to: day, days: [] });
    const bucket = buckets.at(-1)!;
    bucket.to = day;
    bucket.days.push(day);
  }
  return buckets;
}

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

const sumOf = (items: StatsItems, counter: string) => items.reduce((total, item) => total + (item.counters[counter] ?? 0), 0);

/**
 * The series for `GET /admin/kpis/series`. Members are a gauge (a total of now), so each bucket
 * also gets `membersAtEnd`: today's members less those who joined after the bucket ended (read up
 * to a year past `to`; null beyond that). Members erased since are not counted back.
 */
export async function programKpiSeries(store: FigureStore, shop: Shop, query: { from: string; to: string; interval: Interval; today: string }) {
  const buckets = bucketsOf(query.from, query.to, query.interval);
  const laterDays = query.to < query.today ? daysAfter(query.to, query.today) : [];
  const [gaugeItems, laterItems, bucketItems] = await Promise.all([
    store.readStats(shop.shop, ['gauge']),
    laterDays ? store.readStats(shop.shop, laterDays) : Promise.resolve(undefined),
    inBatches(buckets, CONCURRENT_READS, (bucket) => store.readStats(shop.shop, bucket.days)),
  ]);
  const points = buckets.map((bucket, i) => {
    const { from, to, currency: _currency, tiers: _tiers, ...figures } = kpisOf(shop, bucket, bucketItems[i]!, gaugeItems);
    return { from, to, ...figures };
  });
  // Walking back from today: who joined after each bucket's end.
  let joinedLater = laterItems ? sumOf(laterItems, 'newMembers') : Number.NaN;
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i]! as (typeof points)[number] & { membersAtEnd: number | null };
    point.membersAtEnd = Number.isNaN(joinedLater) ? null : Math.max(0, point.members - joinedLater);
    joinedLater += point.newMembers;
  }
  const whole = kpisOf(shop, query, [], gaugeItems);
  return { currency: whole.currency, interval: query.interval, points: points as ((typeof points)[number] & { membersAtEnd: number | null })[], tiers: whole.tiers };
}

/** The days after `to` up to `today`, when at most a year; else undefined. */
function daysAfter(to: string, today: string): string[] | undefined {
  const start = utcDay(addDays(`${to}T00:00:00Z`, 1));
  try {
    return daysOf(start, today);
  } catch (error) {
    if (error instanceof InvalidRangeError) return undefined;
    throw error;
  }
}
