/**
 * The outbound events on the service's EventBridge bus, for Klaviyo or any merchant system (a rule
 * on the bus forwards them through an API destination): `source` `loyalty.events`, `detail-type`
 * the event's type, `detail` the event whole (its `id` lets a consumer drop a repeat). PutEvents
 * takes ten entries a call and answers 200 even when it refuses some: each refused entry, and every
 * entry of a call that failed, is handed back to be published again.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { OutboundEvent, OutboundEventBus } from '../stream/outbound.ts';

/** The `source` of every outbound event (the notifier's messages use `loyalty`). */
export const OUTBOUND_EVENT_SOURCE = 'loyalty.events';

/** PutEvents' limit of entries per call. */
export const PUT_EVENTS_BATCH = 10;

export interface EventBridgeEventBusOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Told why a call or an entry failed (no event data: ids and error codes only). */
  onFailure?: (failure: { eventIds: string[]; errorCode: string; errorMessage: string }) => void;
}

export function putEventsEntry(event: OutboundEvent, eventBusName: string): PutEventsRequestEntry {
  return { Source: OUTBOUND_EVENT_SOURCE, DetailType: event.type, Detail: JSON.stringify(event), EventBusName: eventBusName, Time: new Date(event.occurredAt) };
}

export class EventBridgeEventBus implements OutboundEventBus {
  constructor(private readonly options: EventBridgeEventBusOptions) {}

  async publish(events: OutboundEvent[]): Promise<{ failed: OutboundEvent[] }> {
    const failed: OutboundEvent[] = [];
    for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
      const batch = events.slice(start, start + PUT_EVENTS_BATCH);
      failed.push(...(await this.put(batch)));
    }
    return { failed };
  }

  private async put(batch: OutboundEvent[]): Promise<OutboundEvent[]> {
    let answer;
    try {
      answer = await this.options.client.send(new PutEventsCommand({ Entries: batch.map((event) => putEventsEntry(event, this.options.eventBusName)) }));
    } catch (error) {
      this.options.onFailure?.({ eventIds: batch.map((e) => e.id), errorCode: error instanceof Error ? error.name : 'Error', errorMessage: error instanceof Error ? error.message : String(error) });
      return batch;
    }
    if (!answer.FailedEntryCount) return [];
    // The answer's entries are in the order sent; a refused one has an ErrorCode and no EventId.
    const refused = batch.filter((_, index) => {
      const entry = answer.Entries?.[index];
      return !entry || entry.ErrorCode !== undefined || entry.EventId === undefined;
    });
    for (const [index, event] of batch.entries()) {
      const entry = answer.Entries?.[index];
      if (refused.includes(event)) this.options.onFailure?.({ eventIds: [event.id], errorCode: entry?.ErrorCode ?? 'Missing', errorMessage: entry?.ErrorMessage ?? 'no entry in the answer' });
    }
    return refused;
  }
}
