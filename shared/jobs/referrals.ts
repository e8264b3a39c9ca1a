/**
 * The `referrals` job: every referral whose friend's order is past its hold is settled, once.
 * It drains the due index (`REFERRAL`, GSI1) until nothing due by `now` is left or the budget
 * ends. Each settlement is one transaction conditional on the referral still `claimed` (and on the
 * advocate's member revision read; the lot and ledger entry are keyed by the referral): a run that
 * crashes, repeats or overlaps another pays no advocate twice.
 */
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import type { DueReferral } from '../store/ports/referrals.ts';
import { retryOnConflict } from '../store/retry.ts';
import { settleDueReferral } from '../referrals/settle.ts';
import { unlimited, type Budget } from './budget.ts';

export interface ReferralRun {
  completed: number;
  blocked: number;
  void: number;
  /** Index entries of referrals no longer waiting (settled by someone else, or left by a replay). */
  dropped: number;
  /** The budget ended with referrals still due. */
  more: boolean;
}

type Outcome = 'completed' | 'blocked' | 'void' | 'dropped';

export async function settleReferrals(store: LoyaltyStore, now: Date, options: { budget?: Budget } = {}): Promise<ReferralRun> {
  const budget = options.budget ?? unlimited;
  const run: ReferralRun = { completed: 0, blocked: 0, void: 0, dropped: 0, more: false };
  const shops = new Map<string, Promise<Shop | undefined>>();
  const shopOf = (shop: string) => shops.get(shop) ?? shops.set(shop, store.getShop(shop)).get(shop)!;
  for await (const page of store.referrals.dueReferralPages(now.toISOString())) {
    for (const due of page) {
      if (!budget.remains()) {
        run.more = true;
        return run;
      }
      run[await settleOne(store, due, now, shopOf)]++;
    }
  }
  return run;
}

async function settleOne(store: LoyaltyStore, due: DueReferral, now: Date, shopOf: (shop: string) => Promise<Shop | undefined>): Promise<Outcome> {
  return retryOnConflict<Outcome>(async () => {
    const [referral, shop] = await Promise.all([store.referrals.getReferral(due.shop, due.advocateId, due.id), shopOf(due.shop)]);
    if (!referral || referral.status !== 'claimed' || !referral.order || !shop) {
      await store.referrals.dropDueReferral(due);
      return 'dropped';
    }
    const [orders, advocate, others] = await Promise.all([
      store.getOrders(due.shop, [referral.order.orderId]),
      store.getMember(due.shop, due.advocateId),
      store.referrals.advocateReferrals(due.shop, due.advocateId),
    ]);
    const settlement = settleDueReferral({ referral, program: shop.program, ...(orders[0] ? { order: orders[0] } : {}), ...(advocate ? { advocate } : {}), others, now });
    const saved = await store.referrals.settleReferral(settlement.referral, 'claimed', settlement.credit);
    if (saved === 'conflict') return 'conflict';
    if (saved === 'stale') {
      await store.referrals.dropDueReferral(due);
      return 'dropped';
    }
    return settlement.referral.status as Outcome;
  });
}
