/**
 * The sender of the stream → Shopify pipeline: takes a batch of work messages (from SQS in the
 * cloud, from the local queue in `npm start`) and does them, per shop:
 * - member syncs read the member's present state and lots, and write their metafields, several
 *   members a `metafieldsSet` call, at most once per member per `MEMBER_SYNC_WINDOW_MS` (a sync
 *   that comes too soon is deferred to the window's end, once);
 * - the shop's program metafield is written when its program version is not the one last written;
 * - events go to Flow and to the bus, each destination once per event (a marker taken first).
 * Throttled or unreachable: the message fails and comes back. Refused for good: logged, done.
 */
import type { Lot, Member } from '../ledger/types.ts';
import type { OutboundStore } from '../store/ports/outbound.ts';
import type { Shop } from '../store/records.ts';
import { customerGid, memberMetafields, metafieldsFingerprint, PROGRAM_METAFIELD_KEY, type MetafieldValue } from './member-metafields.ts';
import type { OutboundEvent, OutboundEventBus } from './outbound.ts';
import { byShop, MEMBER_SYNC_WINDOW_MS, memberSyncDecision, type OutboundWork } from './outbound-work.ts';

/** How a call to Shopify went wrong: worth another try later, or refused for good. */
export type SendFailure = { kind: 'retry'; afterMs: number; reason: string } | { kind: 'rejected'; reason: string };

export interface RefusedOwner {
  ownerId: string;
  errors: { message: string; code?: string | null; field?: string[] | null }[];
}

/** `ok`: set, except the owners refused (Shopify then set nothing at all: the call is atomic). */
export type MetafieldsOutcome = { kind: 'ok'; refused: RefusedOwner[] } | SendFailure;

/** Where metafields are written (`shared/shopify/metafields.ts`). */
export interface MetafieldsWriter {
  set(shop: Shop, owners: { ownerId: string; values: MetafieldValue[] }[]): Promise<MetafieldsOutcome>;
  setOnShop(shop: Shop, values: MetafieldValue[]): Promise<MetafieldsOutcome>;
}

/** Where events go to Flow (`shared/shopify/flow-triggers.ts`). */
export interface FlowTriggerSender {
  /** `ok`, `retry` (with `afterMs`) or refused for good; a `GraphqlOutcome` fits. */
  send(shop: Shop, event: OutboundEvent): Promise<{ kind: string; afterMs?: number; reason?: string }>;
}

export interface OutboundLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface OutboundSenderDeps {
  store: OutboundStore & {
    getShop(shop: string): Promise<Shop | undefined>;
    getMember(shop: string, customerId: string): Promise<Member | undefined>;
    activeLots(shop: string, customerId: string): Promise<Lot[]>;
  };
  /** Absent where no Shopify is reachable (`npm start` without `SHOPIFY_ADMIN_URL` or tokens): syncs write nothing. */
  metafields?: MetafieldsWriter;
  flow?: FlowTriggerSender;
  bus?: OutboundEventBus;
  /**
   * Whether the shop has a working Admin API token. Without one (the admin never opened the app,
   * or must again) metafields and Flow are skipped rather than retried for hours into the
   * dead-letter queue: the next change writes the present once there is a token.
   */
  accessReady?: (shop: Shop) => Promise<boolean>;
  /** The public program as the storefront answers it (`GET /proxy/program`). */
  programValue: (shop: Shop) => unknown;
  log: OutboundLog;
  windowMs?: number;
}

export interface OutboundMessage {
  id: string;
  work: OutboundWork;
}

export interface OutboundResult {
  /** Messages to try again after `afterMs` (the rest are done). */
  failed: { id: string; afterMs: number; reason: string }[];
  /** Done now, but their sync is due again at `until`: send `work` again, delayed until then. */
  deferred: { id: string; work: OutboundWork; until: string }[];
}

/** Metafields a member has: each `metafieldsSet` call takes this many members. */
const MEMBERS_PER_CALL = 6;
/** A failure of the store (DynamoDB): the messages come back after this. */
const STORE_RETRY_MS = 30_000;

/** Does the batch's work; what is not in `failed` is done (or, in `deferred`, scheduled again). */
export async function sendOutbound(messages: readonly OutboundMessage[], deps: OutboundSenderDeps, now: Date): Promise<OutboundResult> {
  const result: OutboundResult = { failed: [], deferred: [] };
  const ids = new Map(messages.map((message) => [message.work, message.id]));
  await Promise.all(
    [...byShop(messages.map((message) => message.work))].map(async ([domain, work]) => {
      try {
        await sendForShop(domain, work, deps, now, (work) => ids.get(work)!, result);
      } catch (error) {
        deps.log.error('outbound: the store failed; the shop\'s messages come back', { shop: domain, error: String(error) });
        const failedIds = new Set(result.failed.map(({ id }) => id));
        for (const item of work) {
          const id = ids.get(item)!;
          if (!failedIds.has(id)) result.failed.push({ id, afterMs: STORE_RETRY_MS, reason: 'store failure' });
        }
      }
    }),
  );
  return result;
}

async function sendForShop(domain: string, work: OutboundWork[], deps: OutboundSenderDeps, now: Date, idOf: (work: OutboundWork) => string, result: OutboundResult): Promise<void> {
  const shop = await deps.store.getShop(domain);
  if (!shop || !shop.active) {
    deps.log.info('outbound: the shop is gone or inactive; nothing sent', { shop: domain, messages: work.length });
    return;
  }
  const fail = (item: OutboundWork, failure: { afterMs: number; reason: string }) => result.failed.push({ id: idOf(item), afterMs: failure.afterMs, reason: failure.reason });
  if (deps.accessReady && !(await deps.accessReady(shop))) {
    deps.log.info('outbound: the shop has no working Admin API token (its admin must open the app); metafields and Flow skipped, events published', { shop: domain, messages: work.length });
    await sendEvents(shop, work.filter((item) => item.kind === 'event'), { ...deps, flow: undefined }, now, fail);
    return;
  }

  const programWork = work.filter((item) => item.kind === 'program');
  const memberWork = deps.metafields ? work.filter((item) => item.kind === 'member') : [];
  if (deps.metafields && (programWork.length || memberWork.length)) {
    const failure = await syncProgram(shop, deps, now);
    // A program change retries; a member batch only checks, and the next one checks again.
    if (failure) for (const item of programWork) fail(item, failure);
  }
  await syncMembers(shop, memberWork, deps, now, fail, (item, until) => result.deferred.push({ id: idOf(item), work: { ...item, deferredUntil: until }, until }));
  await sendEvents(shop, work.filter((item) => item.kind === 'event'), deps, now, fail);
}

/** Writes the shop's program metafield unless this version was written; a failure worth retrying is answered. */
async function syncProgram(shop: Shop, deps: OutboundSenderDeps, now: Date): Promise<{ afterMs: number; reason: string } | undefined> {
  const version = `${shop.programVersion}:${shop.currency ?? ''}`;
  if ((await deps.store.programWritten(shop.shop)) === version) return undefined;
  const outcome = await deps.metafields!.setOnShop(shop, [{ key: PROGRAM_METAFIELD_KEY, type: 'json', value: JSON.stringify(deps.programValue(shop)) }]);
  if (outcome.kind === 'retry') {
    deps.log.warn('outbound: the program metafield was not written; tried again later', { shop: shop.shop, reason: outcome.reason });
    return outcome;
  }
  if (outcome.kind === 'rejected' || outcome.refused.length) {
    deps.log.error('outbound: Shopify refused the program metafield', { shop: shop.shop, reason: outcome.kind === 'rejected' ? outcome.reason : outcome.refused });
    return undefined;
  }
  await deps.store.recordProgramWritten(shop.shop, version, now);
  return undefined;
}

type MemberWork = Extract<OutboundWork, { kind: 'member' }>;

async function syncMembers(
  shop: Shop,
  work: MemberWork[],
  deps: OutboundSenderDeps,
  now: Date,
  fail: (item: OutboundWork, failure: { afterMs: number; reason: string }) => void,
  defer: (item: MemberWork, until: string) => void,
): Promise<void> {
  const windowMs = deps.windowMs ?? MEMBER_SYNC_WINDOW_MS;
  // The same member twice in one batch is one sync (the first message carries it, the others are done).
  const seen = new Set<string>();
  const writes: { item: MemberWork; ownerId: string; values: MetafieldValue[]; fingerprint: string }[] = [];
  for (const item of work) {
    if (seen.has(item.customerId)) continue;
    seen.add(item.customerId);
    const [state, member, lots] = await Promise.all([
      deps.store.memberSyncState(shop.shop, item.customerId),
      deps.store.getMember(shop.shop, item.customerId),
      deps.store.activeLots(shop.shop, item.customerId),
    ]);
    if (!member) continue; // erased, or never enrolled: nothing to show
    const values = memberMetafields(shop, member, lots, now);
    const fingerprint = metafieldsFingerprint(values);
    let decision = memberSyncDecision(state, fingerprint, now, windowMs);
    if (decision.kind === 'write' && !(await deps.store.takeMemberSync(shop.shop, item.customerId, state?.syncedAt, now))) {
      // Another sender took the window in between.
      decision = { kind: 'defer', until: new Date(now.getTime() + windowMs).toISOString() };
    }
    if (decision.kind === 'skip') continue;
    if (decision.kind === 'defer') {
      if (await deps.store.scheduleMemberSync(shop.shop, item.customerId, decision.until, now, item.deferredUntil)) defer(item, decision.until);
      continue; // else a sync is scheduled already: it reads the state when it runs
    }
    writes.push({ item, ownerId: customerGid(item.customerId), values, fingerprint });
  }
  for (let start = 0; start < writes.length; start += MEMBERS_PER_CALL) {
    let chunk = writes.slice(start, start + MEMBERS_PER_CALL);
    // A refused member makes Shopify set nothing: the call goes again without them, once.
    for (let round = 0; round < 2 && chunk.length; round++) {
      const outcome = await deps.metafields!.set(shop, chunk.map(({ ownerId, values }) => ({ ownerId, values })));
      if (outcome.kind === 'retry') {
        deps.log.warn('outbound: member metafields not written; tried again later', { shop: shop.shop, members: chunk.length, reason: outcome.reason, afterMs: outcome.afterMs });
        for (const { item } of chunk) fail(item, outcome);
        break;
      }
      if (outcome.kind === 'rejected') {
        deps.log.error('outbound: Shopify refused member metafields', { shop: shop.shop, customers: chunk.map(({ item }) => item.customerId), reason: outcome.reason });
        break;
      }
      const refused = new Set(outcome.refused.map(({ ownerId }) => ownerId));
      if (!refused.size) {
        await Promise.all(chunk.map(({ item, fingerprint }) => deps.store.recordMemberSynced(shop.shop, item.customerId, fingerprint, now)));
        break;
      }
      deps.log.error('outbound: Shopify refused member metafields', { shop: shop.shop, refused: outcome.refused });
      chunk = refused.has('*') ? [] : chunk.filter(({ ownerId }) => !refused.has(ownerId));
    }
  }
}

type EventWork = Extract<OutboundWork, { kind: 'event' }>;

async function sendEvents(shop: Shop, work: EventWork[], deps: Omit<OutboundSenderDeps, 'flow'> & { flow?: FlowTriggerSender | undefined }, now: Date, fail: (item: OutboundWork, failure: { afterMs: number; reason: string }) => void): Promise<void> {
  if (!work.length) return;
  const failed = new Set<EventWork>();
  const retry = async (item: EventWork, destination: string, failure: { afterMs?: number; reason?: string }) => {
    await deps.store.releaseEventMarker(shop.shop, item.event.id, destination);
    if (failed.has(item)) return;
    failed.add(item);
    fail(item, { afterMs: failure.afterMs ?? STORE_RETRY_MS, reason: failure.reason ?? `${destination} failed` });
  };
  if (deps.flow) {
    for (const item of work) {
      if (!(await deps.store.takeEventMarker(shop.shop, item.event.id, 'flow', now))) continue; // sent before
      let outcome: Awaited<ReturnType<FlowTriggerSender['send']>>;
      try {
        outcome = await deps.flow.send(shop, item.event);
      } catch (error) {
        outcome = { kind: 'retry', afterMs: STORE_RETRY_MS, reason: String(error) };
      }
      if (outcome.kind === 'retry') {
        deps.log.warn('outbound: a Flow trigger was not sent; tried again later', { shop: shop.shop, event: item.event.id, reason: outcome.reason });
        await retry(item, 'flow', outcome);
      } else if (outcome.kind !== 'ok') {
        deps.log.error('outbound: Shopify refused a Flow trigger; not sent', { shop: shop.shop, event: item.event.id, type: item.event.type, reason: outcome.reason });
      }
    }
  }
  if (deps.bus) {
    const toPublish: EventWork[] = [];
    for (const item of work) if (await deps.store.takeEventMarker(shop.shop, item.event.id, 'bus', now)) toPublish.push(item);
    if (!toPublish.length) return;
    let notPublished: OutboundEvent[];
    try {
      notPublished = (await deps.bus.publish(toPublish.map(({ event }) => event))).failed;
    } catch (error) {
      deps.log.warn('outbound: the event bus failed', { shop: shop.shop, error: String(error) });
      notPublished = toPublish.map(({ event }) => event);
    }
    const notPublishedIds = new Set(notPublished.map(({ id }) => id));
    for (const item of toPublish) if (notPublishedIds.has(item.event.id)) await retry(item, 'bus', { reason: 'the event bus did not take it' });
  }
}
