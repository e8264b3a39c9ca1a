/**
 * The stream → Shopify pipeline's pure part: which work a batch of stream changes makes (member
 * syncs coalesced per member, program syncs per shop, events once each), and the rate rule that
 * keeps a member's metafields to one write per `MEMBER_SYNC_WINDOW_MS` under a burst.
 */
import type { FigureSource } from '../kpis/stats-types.ts';
import type { Member } from '../ledger/types.ts';
import type { Shop } from '../store/records.ts';
import { eventsOf, type NotificationChange } from './events-of.ts';
import type { OutboundEvent } from './outbound.ts';

/** A shop record written: its program (and currency) as before and after. */
export interface ShopChange {
  kind: 'shop';
  shop: string;
  before?: Shop;
  after: Shop;
}

/** What a stream record changed, for the outbound consumer: the figures' sources, shop records and outbox messages. */
export type OutboundSource = FigureSource | ShopChange | NotificationChange;

/**
 * One piece of work for the sender. A member sync names the member only: the sender reads their
 * present state, so a late or repeated message writes the present. `deferredUntil` marks the one
 * sync scheduled for the end of the member's window (see `memberSyncDecision`).
 */
export type OutboundWork =
  | { kind: 'member'; shop: string; customerId: string; deferredUntil?: string }
  | { kind: 'program'; shop: string }
  | { kind: 'event'; event: OutboundEvent };

/** At most one metafields write per member in this many milliseconds; later changes wait for the window's end. */
export const MEMBER_SYNC_WINDOW_MS = 10_000;

/** The fields of a member that the metafields are computed from (with the lots, which move these too). */
function metafieldInputs(member: Member): string {
  return JSON.stringify([member.balance, member.consumed, member.tier, member.tierAsOf, member.spendByOrder]);
}

/** Whether a member change can move their metafields (a contact update cannot). */
export function movesMetafields(change: { before?: Member; after?: Member }): boolean {
  if (!change.after) return false;
  return !change.before || metafieldInputs(change.before) !== metafieldInputs(change.after);
}

/** Whether a shop change moves the public program the shop metafield holds. */
export function movesProgram(change: ShopChange): boolean {
  const { before, after } = change;
  return !before || before.programVersion !== after.programVersion || before.currency !== after.currency || JSON.stringify(before.program) !== JSON.stringify(after.program);
}

/**
 * The work a batch makes, in order of first appearance: one sync per member and per shop however
 * many of their records the batch holds, each event once (by its id).
 */
export function outboundWorkOf(sources: readonly (OutboundSource | undefined)[], eventsOf: (source: OutboundSource) => OutboundEvent[]): OutboundWork[] {
  const work = new Map<string, OutboundWork>();
  for (const source of sources) {
    if (!source) continue;
    if (source.kind === 'member' && movesMetafields(source)) {
      const { customerId } = source.after!;
      work.set(`member ${source.shop} ${customerId}`, { kind: 'member', shop: source.shop, customerId });
    }
    if (source.kind === 'shop' && movesProgram(source)) work.set(`program ${source.shop}`, { kind: 'program', shop: source.shop });
    for (const event of eventsOf(source)) work.set(`event ${event.id}`, { kind: 'event', event });
  }
  return [...work.values()];
}

/** What the store remembers of a member's syncs. */
export interface MemberSyncState {
  /** When the last write was let through the window (ISO 8601). */
  syncedAt?: string;
  /** The fingerprint of the values last written. */
  fingerprint?: string;
  /** The end of the window a sync is scheduled for, if one is. */
  deferredUntil?: string;
}

/**
 * What to do with a member sync at `now`:
 * - `skip`: the values are those last written;
 * - `write`: the window is over (take it: `syncedAt` as read is the condition);
 * - `defer`: too soon; schedule one sync at the window's end (a sync already scheduled there takes
 *   this one's place, since it reads the state when it runs).
 */
export type MemberSyncDecision = { kind: 'skip' } | { kind: 'write' } | { kind: 'defer'; until: string };

export function memberSyncDecision(state: MemberSyncState | undefined, fingerprint: string, now: Date, windowMs = MEMBER_SYNC_WINDOW_MS): MemberSyncDecision {
  if (state?.fingerprint === fingerprint) return { kind: 'skip' };
  if (!state?.syncedAt) return { kind: 'write' };
  const windowEnd = new Date(new Date(state.syncedAt).getTime() + windowMs);
  if (windowEnd.getTime() <= now.getTime()) return { kind: 'write' };
  return { kind: 'defer', until: windowEnd.toISOString() };
}

/** Groups work by shop, keeping each shop's order. */
export function byShop<T extends OutboundWork>(work: readonly T[]): Map<string, T[]> {
  const shops = new Map<string, T[]>();
  for (const item of work) {
    const shop = item.kind === 'event' ? item.event.shop : item.shop;
    shops.set(shop, [...(shops.get(shop) ?? []), item]);
  }
  return shops;
}

/**
 * The work of a batch of stream changes, with each shop read once (events read the shop's program;
 * a shop record carries its own).
 */
export async function workOfChanges(
  sources: readonly (OutboundSource | undefined)[],
  getShop: (shop: string) => Promise<Shop | undefined>,
  /** Told of a change whose events could not be derived (it still syncs): one bad record must not stop the shard. */
  onEventsError: (source: OutboundSource, error: unknown) => void = () => {},
): Promise<OutboundWork[]> {
  const shops = new Map<string, Shop | undefined>();
  for (const source of sources) if (source && source.kind !== 'shop' && !shops.has(source.shop)) shops.set(source.shop, undefined);
  await Promise.all([...shops.keys()].map(async (domain) => shops.set(domain, await getShop(domain))));
  return outboundWorkOf(sources, (source) => {
    const shop = source.kind === 'shop' ? source.after : shops.get(source.shop);
    if (!shop) return [];
    try {
      return eventsOf(source, shop);
    } catch (error) {
      onEventsError(source, error);
      return [];
    }
  });
}

/** A work item as a queue message body (JSON), and back; undefined for a body that is no work item. */
export const workMessageBody = (work: OutboundWork): string => JSON.stringify(work);

export function workOfMessageBody(body: string): OutboundWork | undefined {
  try {
    const work = JSON.parse(body) as OutboundWork;
    if (work?.kind === 'member' && typeof work.shop === 'string' && typeof work.customerId === 'string') return work;
    if (work?.kind === 'program' && typeof work.shop === 'string') return work;
    if (work?.kind === 'event' && typeof work.event?.id === 'string' && typeof work.event?.shop === 'string') return work;
  } catch {
    // not JSON
  }
  return undefined;
}
