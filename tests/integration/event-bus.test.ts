/**
 * The outbound event buses: EventBridge (the AWS SDK against a loopback stand-in that checks each
 * PutEvents call as EventBridge does) and the in-memory bus of the local server.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEventBus, OUTBOUND_EVENT_SOURCE } from '../../shared/notify/eventbridge-event-bus.ts';
import { MemoryEventBus } from '../../shared/stream/memory-event-bus.ts';
import { OUTBOUND_EVENT_TYPES, type OutboundEvent } from '../../shared/stream/outbound.ts';

interface PutEventsCall {
  headers: IncomingHttpHeaders;
  entries: { Source: string; DetailType: string; Detail: string; EventBusName: string; Time?: number }[];
}

/** EventBridge's PutEvents (JSON 1.1): at most 10 entries, each with a source, a detail type and JSON detail. */
interface StandIn {
  endpoint: string;
  calls: PutEventsCall[];
  /** Event ids whose entries are refused (ThrottlingException), as EventBridge does per entry. */
  refuse: Set<string>;
  /** Answer the next calls with this HTTP status (a service error) instead. */
  failCalls: number;
  close(): void;
}

function startEventBridge(): Promise<StandIn> {
  const standIn = { calls: [] as PutEventsCall[], refuse: new Set<string>(), failCalls: 0 } as StandIn;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') return answer(400, { __type: 'UnknownOperationException' });
      const { Entries } = JSON.parse(body) as { Entries: PutEventsCall['entries'] };
      standIn.calls.push({ headers: request.headers, entries: Entries });
      if (standIn.failCalls > 0) {
        standIn.failCalls--;
        return answer(500, { __type: 'InternalException', message: 'Internal failure' });
      }
      if (!Array.isArray(Entries) || Entries.length < 1 || Entries.length > 10) return answer(400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' });
      const results = Entries.map((entry, index) => {
        let id: string | undefined;
        try {
          id = (JSON.parse(entry.Detail) as OutboundEvent).id;
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        }
        if (!entry.Source || !entry.DetailType || !entry.EventBusName) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter(s) Source, DetailType or EventBusName are missing.' };
        if (standIn.refuse.has(id)) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
        return { EventId: `event-${standIn.calls.length}-${index}` };
      });
      answer(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    });
  });
  standIn.close = () => server.close();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      standIn.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(standIn);
    }),
  );
}

const event = (n: number): OutboundEvent => ({
  id: `points_earned:bus.myshopify.com:1001:earn:${n}`,
  type: 'points_earned',
  shop: 'bus.myshopify.com',
  customerId: '1001',
  occurredAt: `2026-06-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
  data: { points: n, balance: n * 2, source: 'order', orderId: String(5000 + n), pendingUntil: null },
});

describe('the EventBridge event bus', () => {
  let eventBridge: StandIn;
  let bus: EventBridgeEventBus;
  const failures: { eventIds: string[]; errorCode: string }[] = [];
  beforeAll(async () => {
    eventBridge = await startEventBridge();
    const client = new EventBridgeClient({ endpoint: eventBridge.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    bus = new EventBridgeEventBus({ client, eventBusName: 'loyalty-test', onFailure: (failure) => failures.push(failure) });
  });
  afterAll(() => eventBridge.close());
  beforeEach(() => {
    eventBridge.calls.length = 0;
    eventBridge.refuse.clear();
    eventBridge.failCalls = 0;
    failures.length = 0;
  });

  it('puts each event with the loyalty source, its type as detail-type, the event whole as detail, dated by the business', async () => {
    const result = await bus.publish([event(1)]);
    expect(result.failed).toEqual([]);
    expect(eventBridge.calls).toHaveLength(1);
    const [entry] = eventBridge.calls[0]!.entries;
    expect(entry).toMatchObject({ Source: OUTBOUND_EVENT_SOURCE, DetailType: 'points_earned', EventBusName: 'loyalty-test' });
    expect(JSON.parse(entry!.Detail)).toEqual(event(1));
    expect(entry!.Time).toBe(Date.parse(event(1).occurredAt) / 1000);
  });

  it('puts at most ten entries a call, in order', async () => {
    const events = Array.from({ length: 23 }, (_, n) => event(n + 1));
    expect((await bus.publish(events)).failed).toEqual([]);
    expect(eventBridge.calls.map((call) => call.entries.length)).toEqual([10, 10, 3]);
    expect(eventBridge.calls.flatMap((call) => call.entries.map((entry) => JSON.parse(entry.Detail).id))).toEqual(events.map((e) => e.id));
  });

  it('hands back exactly the entries EventBridge refused, and says why', async () => {
    eventBridge.refuse.add(event(2).id);
    eventBridge.refuse.add(event(12).id);
    const events = Array.from({ length: 12 }, (_, n) => event(n + 1));
    const { failed } = await bus.publish(events);
    expect(failed).toEqual([event(2), event(12)]);
    expect(failures).toEqual([
      { eventIds: [event(2).id], errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
      { eventIds: [event(12).id], errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
    ]);
  });

  it('hands back every event of a call that failed, and still puts the other calls', async () => {
    eventBridge.failCalls = 1;
    const events = Array.from({ length: 11 }, (_, n) => event(n + 1));
    const { failed } = await bus.publish(events);
    expect(failed).toEqual(events.slice(0, 10));
    expect(eventBridge.calls).toHaveLength(2);
    expect(failures[0]).toMatchObject({ eventIds: events.slice(0, 10).map((e) => e.id), errorCode: 'InternalException' });
  });

  it('publishes nothing for no events', async () => {
    expect(await bus.publish([])).toEqual({ failed: [] });
    expect(eventBridge.calls).toEqual([]);
  });
});

describe('the in-memory event bus', () => {
  it('keeps events newest first, each id once, up to its limit', async () => {
    const bus = new MemoryEventBus(3);
    await bus.publish([event(1), event(2)]);
    await bus.publish([event(2), event(3)]);
    expect(bus.list().map((e) => e.data.points)).toEqual([3, 2, 1]);
    await bus.publish([event(4)]);
    expect(bus.list().map((e) => e.data.points)).toEqual([4, 3, 2]);
    // One that fell out of the window may come back (it is no longer known).
    await bus.publish([event(1)]);
    expect(bus.list().map((e) => e.data.points)).toEqual([1, 4, 3]);
  });

  it('lists one type of event', async () => {
    const bus = new MemoryEventBus();
    const tier: OutboundEvent = { ...event(9), id: 'tier', type: 'tier_changed', data: { previousTier: 'Bronze', newTier: 'Silver', direction: 'up' } };
    expect((await bus.publish([event(1), tier])).failed).toEqual([]);
    expect(bus.list('tier_changed')).toEqual([tier]);
    expect(OUTBOUND_EVENT_TYPES).toContain('tier_changed');
  });
});
