/** A job's change to one member: read the member and their lots, decide, write with the figures it moves; on conflict, again. */
import type { Change } from '../earning/change.ts';
import type { Lot, Member } from '../ledger/types.ts';
import type { LoyaltyStore } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';

export function changeMember(
  store: LoyaltyStore,
  member: { shop: string; customerId: string },
  now: Date,
  decide: (member: Member, lots: Lot[]) => Change | null,
): Promise<Change | null> {
  const { shop, customerId } = member;
  return retryOnConflict(async () => {
    const stored = await store.getMember(shop, customerId);
    if (!stored) return null;
    const decided = decide(stored, await store.activeLots(shop, customerId));
    if (!decided) return null;
    return (await store.commit({ shop, change: decided, now })) === 'committed' ? decided : 'conflict';
  });
}

/** One member's key among due items: a job's unit of work is the member, whatever is due of theirs. */
export function memberKeyOf(item: { shop: string; customerId: string }): string {
  return `${item.shop}\u0000${item.customerId}`;
}
