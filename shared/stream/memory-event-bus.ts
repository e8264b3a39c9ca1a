/**
 * The outbound events kept in memory: the local server's bus, behind `GET /dev/events`. Newest
 * first, each id once (a record read twice gives its events twice; a receiver keeps one), and no
 * more than `limit` of them.
 */
import type { OutboundEvent, OutboundEventBus } from './outbound.ts';

export class MemoryEventBus implements OutboundEventBus {
  private readonly events: OutboundEvent[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly limit = 1000) {}

  async publish(events: OutboundEvent[]): Promise<{ failed: OutboundEvent[] }> {
    for (const event of events) {
      if (this.ids.has(event.id)) continue;
      this.ids.add(event.id);
      this.events.unshift(event);
    }
    for (const dropped of this.events.splice(this.limit)) this.ids.delete(dropped.id);
    return { failed: [] };
  }

  /** The events kept, newest first; of one type when given. */
  list(type?: OutboundEvent['type']): OutboundEvent[] {
    return type ? this.events.filter((event) => event.type === type) : [...this.events];
  }
}
