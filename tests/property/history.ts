/**
 * Random histories of one shop's loyalty events for the property tests: customers who sign up and
 * update their details, orders paid, refunded (partly or wholly) and cancelled, and the
 * time-dependent actions (redemptions, staff adjustments, the expiry job). A history is a world
 * of facts; `inOrder` lists its webhooks as they happened, and `deliveries` lists them as Shopify
 * might deliver them: shuffled, some twice (same webhook id, or a new id for the same event).
 * The driver sends them as real signed requests to the app over DynamoDB Local.
 */
import fc from 'fast-check';
import type { LedgerEntry, Lot, Member, Order } from '../../shared/ledger/types.ts';
import { paidOrder, refund, type Json } from '../support/fixtures.ts';
import { sessionToken, type testService } from '../support/http.ts';

export type Service = Awaited<ReturnType<typeof testService>>;

const DAY_MS = 86_400_000;
const START = Date.parse('2025-01-01T00:00:00Z');

/** Noon UTC of day `day` of the history, plus `minute` minutes (so instants never collide). */
export const dayAt = (day: number, minute = 0): string => new Date(START + day * DAY_MS + 12 * 3_600_000 + minute * 60_000).toISOString();

/** A cheap reward, so that redemptions happen often. */
export const TREAT = { id: 'treat', name: 'A treat', kind: 'fixed_amount', cost: 40, value: 1 } as const;

export interface CustomerFacts {
  id: number;
  createdDay: number;
  /** Whether a `customers/create` webhook is part of the history. */
  signup: boolean;
  /** A `customers/update` (new e-mail) on this day, if any. */
  updateDay?: number;
}

export interface RefundFacts {
  id: number;
  cents: number;
  taxCents: number;
  day: number;
  /** Refund lines carry `subtotal` as a JSON number in Shopify's payloads, sometimes as text. */
  asNumber: boolean;
}

export interface OrderFacts {
  id: number;
  /** Index into the customers, or null for a guest checkout. */
  customer: number | null;
  cents: number;
  taxesIncluded: boolean;
  taxCents: number;
  day: number;
  paid: boolean;
  refunds: RefundFacts[];
  cancelDay?: number;
}

export interface World {
  customers: CustomerFacts[];
  orders: OrderFacts[];
}

export type Action =
  | { kind: 'redeem'; customer: number; day: number }
  | { kind: 'adjust'; customer: number; points: number; day: number }
  | { kind: 'expire'; day: number };

/** One webhook of the history, with the instant it happened (for in-order delivery). */
export interface WebhookEvent {
  key: string;
  topic: string;
  body: Json;
  at: string;
  /** Breaks ties of one instant: a customer before their order, a payment before its refunds. */
  rank: number;
}

export type Copy = 'first' | 'same-webhook-id' | 'same-event-new-webhook-id' | 'new-ids';

export interface Delivery {
  event: number;
  copy: Copy;
}

const customerArb = (i: number) =>
  fc.record({
    id: fc.constant(1001 + i),
    createdDay: fc.integer({ min: 0, max: 4 }),
    signup: fc.boolean(),
    updateDay: fc.option(fc.integer({ min: 5, max: 100 }), { nil: undefined }),
  });

const refundArb = (id: number) =>
  fc.record({
    id: fc.constant(id),
    cents: fc.integer({ min: 1, max: 40_000 }),
    taxCents: fc.integer({ min: 0, max: 500 }),
    day: fc.integer({ min: 1, max: 30 }),
    asNumber: fc.boolean(),
  });

/** Orders of 0.01 to `maxCents / 100` units. */
const orderArb = (i: number, customers: number, maxCents: number) =>
  fc
    .record({
      id: fc.constant(5001 + i),
      customer: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: customers - 1 }) }, { weight: 1, arbitrary: fc.constant(null) }),
      cents: fc.integer({ min: 1, max: maxCents }),
      taxesIncluded: fc.boolean(),
      taxCents: fc.integer({ min: 0, max: 2_000 }),
      day: fc.integer({ min: 5, max: 120 }),
      paid: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      refunds: fc.array(refundArb(0), { maxLength: 2 }),
      cancelDay: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined, freq: 4 }),
    })
    .map((order) => ({
      ...order,
      taxCents: order.taxesIncluded ? Math.min(order.taxCents, Math.floor(order.cents / 5)) : 0,
      // Refund days and ids follow the order's; a refund is never for more than the order.
      refunds: order.refunds.map((r, k) => ({ ...r, id: 7001 + i * 10 + k, cents: Math.min(r.cents, order.cents), day: order.day + r.day })),
      ...(order.cancelDay === undefined ? {} : { cancelDay: order.day + order.cancelDay }),
    }));

export function worldArb(options: { maxCents: number; maxOrders?: number }): fc.Arbitrary<World> {
  return fc.integer({ min: 1, max: 3 }).chain((customerCount) =>
    fc.record({
      customers: fc.tuple(...Array.from({ length: customerCount }, (_, i) => customerArb(i))),
      orders: fc.integer({ min: 1, max: options.maxOrders ?? 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => orderArb(i, customerCount, options.maxCents)))),
    }),
  );
}

export function actionArb(customers: number, days: { min: number; max: number }): fc.Arbitrary<Action> {
  const customer = fc.integer({ min: 0, max: customers - 1 });
  const day = fc.integer(days);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('redeem' as const), customer, day }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('adjust' as const), customer, points: fc.integer({ min: -80, max: 80 }).filter((n) => n !== 0), day }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), day }) },
  );
}

/** Actions run in time order, each at its own minute. */
export function inTimeOrder(actions: Action[]): Action[] {
  return [...actions].sort((a, b) => a.day - b.day);
}

const money = (cents: number) => (cents / 100).toFixed(2);

/** The customer as Shopify shows them on a given day (an order carries this snapshot). */
function customerPayload(customer: CustomerFacts, asOfDay: number): Json {
  const updated = customer.updateDay !== undefined && customer.updateDay <= asOfDay;
  return {
    id: customer.id,
    email: updated ? `customer-${customer.id}-new@example.com` : `customer-${customer.id}@example.com`,
    first_name: `C${customer.id}`,
    created_at: dayAt(customer.createdDay),
    updated_at: dayAt(updated ? customer.updateDay! : customer.createdDay),
    email_marketing_consent: { state: updated ? 'unsubscribed' : 'subscribed' },
  };
}

function orderPayload(world: World, order: OrderFacts, extra: Json = {}): Json {
  const base = paidOrder({
    id: order.id,
    customerId: null,
    subtotal: money(order.cents),
    at: dayAt(order.day, 1),
    taxesIncluded: order.taxesIncluded,
    ...(order.taxesIncluded ? { tax: money(order.taxCents) } : {}),
  });
  const customer = order.customer === null ? null : customerPayload(world.customers[order.customer]!, order.day);
  return { ...base, customer, ...extra };
}

/** Every webhook the world's facts make, in the order they happened. */
export function webhooks(world: World): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (const customer of world.customers) {
    if (customer.signup) events.push({ key: `create-${customer.id}`, topic: 'customers/create', body: customerPayload(customer, customer.createdDay), at: dayAt(customer.createdDay), rank: 0 });
    if (customer.updateDay !== undefined) {
      events.push({ key: `update-${customer.id}`, topic: 'customers/update', body: customerPayload(customer, customer.updateDay), at: dayAt(customer.updateDay), rank: 1 });
    }
  }
  for (const order of world.orders) {
    if (order.paid) events.push({ key: `paid-${order.id}`, topic: 'orders/paid', body: orderPayload(world, order), at: dayAt(order.day, 1), rank: 2 });
    for (const r of order.refunds) {
      const body = refund({ id: r.id, orderId: order.id, subtotal: r.asNumber ? r.cents / 100 : money(r.cents), at: dayAt(r.day, 2), tax: money(r.taxCents) });
      events.push({ key: `refund-${r.id}`, topic: 'refunds/create', body, at: dayAt(r.day, 2), rank: 3 });
    }
    if (order.cancelDay !== undefined) {
      const at = dayAt(order.cancelDay, 3);
      events.push({ key: `cancel-${order.id}`, topic: 'orders/cancelled', body: orderPayload(world, order, { cancelled_at: at, financial_status: 'refunded' }), at, rank: 4 });
    }
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank || a.key.localeCompare(b.key));
}

/** The deliveries of `count` events: each once, shuffled, plus up to `count` repeats anywhere. */
export function deliveriesArb(count: number): fc.Arbitrary<Delivery[]> {
  const firsts = fc.shuffledSubarray(
    Array.from({ length: count }, (_, event) => ({ event, copy: 'first' as Copy })),
    { minLength: count, maxLength: count },
  );
  const repeat = fc.record({
    event: fc.integer({ min: 0, max: Math.max(0, count - 1) }),
    copy: fc.constantFrom<Copy>('same-webhook-id', 'same-event-new-webhook-id', 'new-ids'),
    at: fc.nat(),
  });
  return fc.tuple(firsts, fc.array(repeat, { maxLength: count })).map(([order, repeats]) => {
    const out: Delivery[] = [...order];
    // Each repeat goes at some position (a repeat may well arrive before the first delivery).
    for (const r of repeats) out.splice(r.at % (out.length + 1), 0, { event: r.event, copy: r.copy });
    return out;
  });
}

let uniqueIds = 0;

/** Sends one delivery of an event as Shopify would: the same webhook id on a retry, new ids otherwise. */
export async function deliver(service: Service, shop: string, event: WebhookEvent, copy: Copy): Promise<Response> {
  const fresh = `${++uniqueIds}`;
  const webhookId = copy === 'first' || copy === 'same-webhook-id' ? `wh-${event.key}` : `wh-${event.key}-again-${fresh}`;
  const eventId = copy === 'new-ids' ? `ev-${event.key}-${fresh}` : `ev-${event.key}`;
  return service.webhook(event.topic, event.body, { shop, webhookId, eventId });
}

export async function admin(service: Service, shop: string, at: string, path: string, init: { method: string; body?: unknown }): Promise<Response> {
  // The figures follow the change stream: wait until it is read to its end.
  if (path.startsWith('/kpis')) await service.figures();
  const token = await sessionToken({ shop, at: new Date(at) });
  return service.app.request(`/admin${path}`, {
    method: init.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** Sets the shop's program as its staff would, with the service's clock at `at`. */
/** Sets the sections `program` names, keeping the shop's others (a PUT takes the whole program). */
export async function setProgram(service: Service, shop: string, program: Record<string, unknown>, at: string): Promise<void> {
  service.setNow(at);
  const current = (await (await admin(service, shop, at, '/program', { method: 'GET' })).json()) as { program: Record<string, unknown> };
  const response = await admin(service, shop, at, '/program', { method: 'PUT', body: { ...current.program, ...program } });
  if (response.status !== 200) throw new Error(`PUT /admin/program: ${response.status} ${await response.text()}`);
}

/** Runs an action at its time; answers the HTTP status (redemptions and adjustments may be refused). */
export async function act(service: Service, shop: string, world: World, action: Action, minute: number): Promise<number> {
  const at = dayAt(action.day, 10 + minute);
  service.setNow(at);
  if (action.kind === 'expire') {
    // The job works through the whole table (every shop of the file), a bounded batch per run.
    for (let runs = 0; runs < 50; runs++) if (!(await service.job('expire', at)).more) return 200;
    throw new Error('the expire job never finished');
  }
  const customerId = String(world.customers[action.customer]!.id);
  if (action.kind === 'redeem') return (await service.redeem(customerId, TREAT.id, { 'idempotency-key': `redeem-${minute}` }, shop)).status;
  return (await admin(service, shop, at, `/members/${customerId}/adjustments`, { method: 'POST', body: { points: action.points, reason: 'property test' } })).status;
}

export interface MemberState {
  member?: Member;
  /** Every lot, settled ones too. */
  lots: Lot[];
  ledger: LedgerEntry[];
}

/** The member's partition as stored: the member, all their lots and the whole ledger. */
export async function memberState(service: Service, shop: string, customerId: string): Promise<MemberState> {
  const records = (await service.store.memberRecords(shop, customerId)) as (Record<string, unknown> & { entity?: string })[];
  const member = records.find((r) => r.entity === 'member') as Member | undefined;
  return {
    ...(member ? { member } : {}),
    lots: records.filter((r) => r.entity === 'lot') as unknown as Lot[],
    ledger: records.filter((r) => r.entity === 'ledger') as unknown as LedgerEntry[],
  };
}

export async function ordersOf(service: Service, shop: string, world: World): Promise<Order[]> {
  return service.store.getOrders(shop, world.orders.map((o) => String(o.id)));
}

/** The eligible amount of an order in cents, as the contract defines it. */
export function eligibleCents(order: OrderFacts): number {
  return Math.max(0, order.cents - (order.taxesIncluded ? order.taxCents : 0));
}

export function refundedEligibleCents(order: OrderFacts): number {
  return order.refunds.reduce((sum, r) => sum + Math.max(0, r.cents - (order.taxesIncluded ? r.taxCents : 0)), 0);
}

let shops = 0;
/** A shop domain of its own for each history, so histories share one table without meeting. */
export const nextShop = (prefix: string) => `${prefix}-${process.pid}-${++shops}.myshopify.com`;

/**
 * Bounds the shrinking of a failing property by a number of runs, not by time: once a history
 * has failed, at most `runs` more are really run; past that every candidate passes at once, so
 * fast-check stops there and reports the smallest failing history found so far. (Each run is a
 * whole history over DynamoDB Local; unbounded shrinking can take minutes.)
 */
export function withShrinkBudget<T>(runs: number, predicate: (value: T) => Promise<void>): (value: T) => Promise<void> {
  let failed = false;
  let left = runs;
  return async (value) => {
    if (failed && left-- <= 0) return;
    try {
      await predicate(value);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
}

const SCALE = Number(process.env.PROPERTY_SCALE ?? 1);
/** `PROPERTY_SCALE=10 npx vitest run tests/property` tries ten times as many histories. */
export const runs = (n: number) => Math.round(n * SCALE);
/** A property's time limit, scaled with it. */
export const timeLimit = (ms: number) => Math.round(ms * Math.max(1, SCALE));
