/**
 * Jobs benchmark (`npm run bench`): the `expire` job draining 100,000 due lots across 50 shops.
 * DynamoDB Local in memory, a table of its own; members and their lots written directly, in the
 * shape the store writes them (`memberItem`, `lotItem`), every lot past its date; then one run of
 * the job as `POST /dev/jobs/expire` runs it (no deadline), timed. It prints lots a second, whether
 * the run drained everything (`more: false`, and nothing left in the due index), and how evenly
 * the shops were served. It never fails.
 *
 * `BENCH_JOB_LOTS=10000 npx tsx bench/jobs.ts` for a quicker run.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DAY_MS } from '../shared/clock.ts';
import type { Lot, Member } from '../shared/ledger/types.ts';
import { runJob, type JobDeps } from '../shared/jobs/jobs.ts';
import { DynamoDbStore } from '../shared/store/dynamodb/dynamodb-store.ts';
import { lotItem, memberItem, type Item } from '../shared/store/dynamodb/items.ts';
import { ensureTable } from '../shared/store/dynamodb/table.ts';
import { localClient, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { recordGoal } from './summary.ts';

const LOTS = Number(process.env.BENCH_JOB_LOTS ?? 100_000);
const SHOPS = 50;
/** Due lots per member: members who earned on several orders a year ago. */
const LOTS_PER_MEMBER = Number(process.env.BENCH_JOB_LOTS_PER_MEMBER ?? 4);
const POINTS = 100;
const TABLE = 'bench-jobs';

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function memberOf(shop: string, customerId: string, lots: Lot[], now: Date): Member {
  const firstAt = lots[0]!.earnedAt;
  const lastAt = lots.at(-1)!.earnedAt;
  return {
    shop,
    customerId,
    enrolledAt: firstAt,
    balance: POINTS * lots.length,
    consumed: 0,
    pending: 0,
    lifetimeEarned: POINTS * lots.length,
    spendByOrder: {},
    tier: 'Bronze',
    tierAsOf: now.toISOString(),
    orderCount: lots.length,
    firstOrderAt: firstAt,
    lastOrderAt: lastAt,
    lastActiveAt: lastAt,
    contact: { email: `c${customerId}@example.com` },
    rev: 1,
  };
}

/** Every member with their due lots: lots expired over the last 30 days, shops interleaved. */
function* dueItems(now: Date): Generator<Item[]> {
  const members = Math.ceil(LOTS / LOTS_PER_MEMBER);
  for (let m = 0; m < members; m++) {
    const shop = `bench-shop-${String(m % SHOPS).padStart(2, '0')}.myshopify.com`;
    const customerId = String(200_000 + m);
    const count = Math.min(LOTS_PER_MEMBER, LOTS - m * LOTS_PER_MEMBER);
    const lots: Lot[] = Array.from({ length: count }, (_, n) => {
      const expiresAt = new Date(now.getTime() - ((m * 7 + n * 13) % (30 * 24 * 60) + 1) * 60_000);
      const orderId = String(80_000_000 + m * LOTS_PER_MEMBER + n);
      return { id: `order:${orderId}`, source: 'order' as const, orderId, earnedAt: new Date(expiresAt.getTime() - 365 * DAY_MS).toISOString(), expiresAt: expiresAt.toISOString(), points: POINTS };
    }).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
    yield [memberItem(memberOf(shop, customerId, lots, now), 1), ...lots.map((lot) => lotItem(shop, customerId, lot))];
  }
}

async function writeAll(client: DynamoDBClient, groups: Iterable<Item[]>, concurrency = 8): Promise<number> {
  const source = groups[Symbol.iterator]();
  let written = 0;
  let buffer: Item[] = [];
  const nextChunk = (): Item[] | undefined => {
    while (buffer.length < 25) {
      const next = source.next();
      if (next.done) break;
      buffer.push(...next.value);
    }
    if (!buffer.length) return undefined;
    const chunk = buffer.slice(0, 25);
    buffer = buffer.slice(25);
    return chunk;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let chunk = nextChunk(); chunk; chunk = nextChunk()) {
        let requests: WriteRequest[] = chunk.map((Item) => ({ PutRequest: { Item } }));
        written += requests.length;
        for (let attempt = 0; requests.length; attempt++) {
          if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
          requests = answer.UnprocessedItems?.[TABLE] ?? [];
        }
      }
    }),
  );
  return written;
}

async function main() {
  const members = Math.ceil(LOTS / LOTS_PER_MEMBER);
  console.log(`Jobs benchmark: ${LOTS.toLocaleString('en')} due lots (${LOTS_PER_MEMBER} per member, ${members.toLocaleString('en')} members) across ${SHOPS} shops; the expire job run once, no deadline\n`);
  const database = await startDynamoDbLocal();
  const client = localClient(database.endpoint);
  try {
    await ensureTable(client, TABLE);
    const now = new Date();
    const t0 = performance.now();
    const items = await writeAll(client, dueItems(now));
    console.log(`  written: ${items.toLocaleString('en')} items (members and lots, BatchWriteItem) in ${fmt((performance.now() - t0) / 1000, 0)} s`);

    // When each shop's members were settled, to see the shops served in turn.
    const store = new DynamoDbStore(client, TABLE);
    const commit = store.commit.bind(store);
    const settled = new Map<string, { first: number; last: number; count: number }>();
    const started = performance.now();
    store.commit = async (request) => {
      const result = await commit(request);
      const at = (performance.now() - started) / 1000;
      const shop = settled.get(request.shop) ?? settled.set(request.shop, { first: at, last: at, count: 0 }).get(request.shop)!;
      shop.last = at;
      shop.count++;
      return result;
    };
    const deps: JobDeps = {
      store,
      discounts: { issue: async () => ({ kind: 'retry', afterMs: 60_000, reason: 'bench' }) },
      notifier: { send: async () => undefined },
    };
    const run = (await runJob('expire', deps, now)) as { lotsDue: number; members: number; lotsSettled: number; pointsExpired: number; more: boolean };
    const seconds = (performance.now() - started) / 1000;
    let left = 0;
    for await (const page of store.dueLotPages('EXPIRES', { before: now.toISOString() })) left += page.length;

    const shops = [...settled.values()];
    const lastFinish = Math.max(...shops.map((shop) => shop.last));
    const firstFinish = Math.min(...shops.map((shop) => shop.last));
    const lastStart = Math.max(...shops.map((shop) => shop.first));
    const lotsPerSecond = run.lotsSettled / seconds;
    const drained = !run.more && left === 0 && run.lotsSettled === LOTS;
    console.log(`  expire: ${run.lotsSettled.toLocaleString('en')} lots settled for ${run.members.toLocaleString('en')} members in ${fmt(seconds, 0)} s: ${fmt(lotsPerSecond, 0)} lots/s, ${fmt(run.members / seconds, 0)} members/s (one transaction each)`);
    console.log(`  more: ${run.more}; lots still due in the index after the run: ${left}; goal: everything due drained in one run: ${drained ? 'met' : 'NOT met'}`);
    console.log(`  shops served in turn: all ${shops.length} shops had members settled within ${fmt(lastStart, 1)} s; the first shop was done at ${fmt(firstFinish, 0)} s, the last at ${fmt(lastFinish, 0)} s`);
    console.log('  (DynamoDB Local runs transactions about one at a time: lots/s here says how the job scales with what is due, not what DynamoDB would take)');
    recordGoal({ figure: `expire: ${LOTS.toLocaleString('en')} due lots, ${SHOPS} shops, one run`, value: `${fmt(lotsPerSecond, 0)} lots/s, ${fmt(seconds, 0)} s`, goal: 'drained: more false', met: drained });
    recordGoal({ figure: 'expire: every shop served early (last shop started / first, last done)', value: `${fmt(lastStart, 1)} s / ${fmt(firstFinish, 0)}, ${fmt(lastFinish, 0)} s`, goal: 'all started in 10%', met: lastStart < seconds / 10 });
  } finally {
    client.destroy();
    await database.stop();
  }
}

await main();
