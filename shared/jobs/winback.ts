/**
 * The `winback` job: a member whose time since the last order has passed their usual interval
 * times the program's factor is flagged as fading, once per lapse, and sent one win-back message.
 * Members come from the lapse index (the date is set when they order), never a scan; the flag and
 * the message are written together, so a repeated run flags and writes nothing twice.
 */
import type { Change } from '../earning/change.ts';
import type { Member } from '../ledger/types.ts';
import { deliverNotifications } from '../notify/deliver.ts';
import { addressing, affordableRewards, mayMessage } from '../notify/messages.ts';
import type { Notifier } from '../notify/notification.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import { withStats } from '../kpis/stats.ts';
import type { UnsubscribeLinks } from '../notify/unsubscribe.ts';

const DAY = 86_400_000;

export function flagFading(member: Member, shop: Shop | undefined, now: Date, unsubscribeUrl?: string): Change | null {
  const at = now.toISOString();
  if (!member.lapseAt || !member.lastOrderAt || member.lapseAt > at) return null;
  if (member.fading?.lastOrderAt === member.lastOrderAt) return null; // this lapse is flagged already
  const flagged: Member = { ...member, fading: { flaggedAt: at, lastOrderAt: member.lastOrderAt } };
  const change: Change = { member: flagged, lots: [], entries: [] };
  if (!shop || !mayMessage(shop, member)) return change;
  const usual = (Date.parse(member.lastOrderAt) - Date.parse(member.firstOrderAt ?? member.lastOrderAt)) / Math.max(1, (member.orderCount ?? 1) - 1);
  return {
    ...change,
    notifications: [
      {
        id: `winback:${member.customerId}:${member.lastOrderAt}`,
        kind: 'winback',
        ...addressing(shop, member),
        ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
        createdAt: at,
        data: {
          balance: member.balance,
          lastOrderAt: member.lastOrderAt,
          usualIntervalDays: Math.round(usual / DAY),
          daysSinceLastOrder: Math.floor((now.getTime() - Date.parse(member.lastOrderAt)) / DAY),
          rewards: affordableRewards(shop.program, member.balance),
        },
      },
    ],
  };
}

export async function flagFadingMembers(store: LoyaltyStore, notifier: Notifier, now: Date, limit = 1000, links?: UnsubscribeLinks) {
  const due = await store.dueMembers(now.toISOString(), limit);
  const shops = new Map<string, Shop | undefined>();
  let flagged = 0;
  let queued = 0;
  for (const { shop: domain, customerId } of due) {
    if (!shops.has(domain)) shops.set(domain, await store.getShop(domain));
    const change = await retryOnConflict(async () => {
      const member = await store.getMember(domain, customerId);
      const decided = member && flagFading(member, shops.get(domain), now, links?.(domain, customerId));
      if (!decided) return null;
      const change = withStats(decided, { member });
      return (await store.commit({ shop: domain, change, idempotencyKeys: [], now })) === 'committed' ? change : 'conflict';
    });
    if (!change) continue;
    flagged++;
    queued += change.notifications?.length ?? 0;
  }
  const delivered = await deliverNotifications(store, notifier, now);
  return { due: due.length, flagged, queued, ...delivered, more: due.length >= limit };
}
