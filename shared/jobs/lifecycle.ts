/**
 * The `lifecycle` job: members move to fading and lost with time alone, when no event touches
 * them. Each member's next move is in the due index (`STAGE`, set whenever the member is written),
 * so the job reads only the members due, drained like the other jobs (shops in turn, never a scan).
 * A move is dated at the instant its threshold passed, not when the job ran; a member several
 * moves behind (the job did not run for a while, a year of imported history) is moved one step at a
 * time, each its own write, so the figures count every move. Each write expects the member as read
 * (its `rev`), and a moved member's due date moves on: a rerun moves no one twice.
 *
 * When a store owner tunes the thresholds, the shop's members are staged afresh as of the run
 * (`restage`): a pass over the shop's members, a page at a time, resumable (`JOB#lifecycle` records
 * the thresholds the pass is for and how far it went). The first run for a shop is such a pass too:
 * it stages members written before stages existed.
 */
import type { Change } from '../earning/change.ts';
import { lifecycleSettingsOf } from '../lifecycle/settings.ts';
import { advanceStage, restage } from '../lifecycle/stage.ts';
import type { Member } from '../ledger/types.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { inTurns, unlimited } from './budget.ts';
import { drain, type DrainOptions } from './drain.ts';
import { limiter } from './limiter.ts';
import { memberKeyOf } from './member-change.ts';

const JOB = 'lifecycle';
/** Moves one member may make in one go: new → fading → lost is the longest way down. */
const MAX_STEPS = 3;

export interface LifecycleRun {
  /** Members found due in the index. */
  due: number;
  /** Moves written (a member may make more than one). */
  moved: number;
  /** Members staged afresh after a change of thresholds (or the shop's first pass). */
  restaged: number;
  /** The budget ran out with members due or passes unfinished; the next run goes on. */
  more: boolean;
}

/** Writes `decide`'s member, expecting the member as read; again on conflict. */
function changeStage(store: LoyaltyStore, shop: string, customerId: string, now: Date, decide: (member: Member) => Member | null): Promise<Member | null> {
  return retryOnConflict(async () => {
    const stored = await store.getMember(shop, customerId);
    const decided = stored && decide(stored);
    if (!decided) return null;
    const change: Change = { member: decided, lots: [], entries: [] };
    return (await store.commit({ shop, change, now })) === 'committed' ? decided : 'conflict';
  });
}

export async function moveStages(store: LoyaltyStore, now: Date, options: DrainOptions & { pageSize?: number } = {}): Promise<LifecycleRun> {
  const shops = new Map<string, Promise<Shop | undefined>>();
  const shopOf = (domain: string) => shops.get(domain) ?? shops.set(domain, store.getShop(domain)).get(domain)!;
  let moved = 0;
  const drained = await drain(
    {
      pages: (pageSize) => duePages(store, now, pageSize),
      shopOf: (member) => member.shop,
      keyOf: memberKeyOf,
      work: async ([due]) => {
        const { shop: domain, customerId } = due!;
        const shop = await shopOf(domain);
        if (!shop) return;
        for (let step = 0; step < MAX_STEPS; step++) {
          const written = await changeStage(store, domain, customerId, now, (member) => advanceStage(member, shop.program, now));
          if (!written) break;
          moved++;
        }
      },
    },
    options,
  );
  const restaged = await restageShops(store, now, options);
  return { due: drained.items, moved, restaged: restaged.restaged, more: drained.more || restaged.more };
}

/**
 * Members due by `now`: those whose index entry is their next stage move (`STAGE`), then those
 * whose entry is their win-back lapse (`LAPSE`, not flagged yet): a lapse and a stage move often
 * fall on the same instant (fading follows win-back's factor by default), and the entry holds the
 * lapse until the win-back job flags it. So neither job waits for the other. A member found through
 * its lapse with no move due is read and left as it is.
 */
async function* duePages(store: LoyaltyStore, now: Date, pageSize: number) {
  const range = { before: now.toISOString(), pageSize };
  yield* store.lifecycle.dueStagePages(range);
  yield* store.dueMemberPages(range);
}

/** The passes over shops whose thresholds changed since their last pass (or that never had one). */
async function restageShops(store: LoyaltyStore, now: Date, options: DrainOptions & { pageSize?: number }): Promise<{ restaged: number; more: boolean }> {
  const { budget = unlimited, concurrency = 16, pageSize = 100 } = options;
  const write = limiter(concurrency);
  let restaged = 0;
  const passes: { shop: Shop; key: string; cursor?: string; started: boolean }[] = [];
  for (const shop of (await store.listShops()).filter((s) => s.active)) {
    const key = JSON.stringify(lifecycleSettingsOf(shop.program));
    const progress = await store.jobProgress(shop.shop, JOB);
    if (progress?.pass === key && progress.done) continue;
    passes.push({ shop, key, started: false, ...(progress?.pass === key && progress.cursor ? { cursor: progress.cursor } : {}) });
  }
  const page = async (pass: (typeof passes)[number]): Promise<boolean> => {
    const { shop } = pass;
    const members = await store.listMembers(shop.shop, { limit: pageSize, ...(pass.cursor ? { cursor: pass.cursor } : {}) });
    await Promise.all(
      members.items
        .filter((member) => restage(member, shop.program, now))
        .map((member) => write(async () => {
          if (await changeStage(store, shop.shop, member.customerId, now, (stored) => restage(stored, shop.program, now))) restaged++;
        })),
    );
    pass.cursor = members.cursor;
    await store.saveJobProgress(shop.shop, JOB, { pass: pass.key, ...(members.cursor ? { cursor: members.cursor } : {}), done: !members.cursor, updatedAt: now.toISOString() });
    return members.cursor !== undefined;
  };
  const more = await inTurns(passes, page, budget, concurrency);
  return { restaged, more };
}
