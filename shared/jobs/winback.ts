/**
 * The `winback` job: a member whose time since the last order has passed their usual interval
 * times the program's factor is flagged as fading, once per lapse, and sent one win-back message.
 * Members come from the lapse index (the date is set when they order), never a scan, drained: every
 * member due is done in one run unless its budget runs out, shops in turn. The flag and the message
 * are written together, and a flagged member leaves the index, so a repeated run flags and writes
 * nothing twice.
 */
import type { Change } from '../earning/change.ts';
import type { Member } from '../ledger/types.ts';
import { deliverNotifications } from '../notify/deliver.ts';
import { addressing, affordableRewards, mayMessage } from '../notify/messages.ts';
import type { Notifier } from '../notify/notification.ts';
import type { LoyaltyStore, Shop } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import type { UnsubscribeLinks } from '../notify/unsubscribe.ts';
import { drain, type DrainOptions } from './drain.ts';
import { memberKeyOf } from './member-change.ts';

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

export interface WinbackRun {
  due: number;
  flagged: number;
  queued: number;
  sent: number;
  failed: number;
  /** The budget ran out with members still due or messages unsent; the next run goes on. */
  more: boolean;
}

/** Flags every member due by `now` (the lapse index drained, shops in turn), then sends what the outbox holds. */
export async function flagFadingMembers(store: LoyaltyStore, notifier: Notifier, now: Date, options: DrainOptions & { links?: UnsubscribeLinks } = {}): Promise<WinbackRun> {
  const { links, ...drainOptions } = options;
  const shops = new Map<string, Promise<Shop | undefined>>();
  const shopOf = (domain: string) => shops.get(domain) ?? shops.set(domain, store.getShop(domain)).get(domain)!;
  let flagged = 0;
  let queued = 0;
  const drained = await drain(
    {
      pages: (pageSize) => store.dueMemberPages({ before: now.toISOString(), pageSize }),
      shopOf: (member) => member.shop,
      keyOf: memberKeyOf,
      work: async ([due]) => {
        const { shop: domain, customerId } = due!;
        const shop = await shopOf(domain);
        const change = await retryOnConflict(async () => {
          const member = await store.getMember(domain, customerId);
          const decided = member && flagFading(member, shop, now, links?.(domain, customerId));
          if (!decided) return null;
          return (await store.commit({ shop: domain, change: decided, now })) === 'committed' ? decided : 'conflict';
        });
        if (!change) return;
        flagged++;
        queued += change.notifications?.length ?? 0;
      },
    },
    drainOptions,
  );
  const delivered = await deliverNotifications(store, notifier, now, drainOptions);
  return { due: drained.items, flagged, queued, ...delivered, more: drained.more || delivered.more };
}
