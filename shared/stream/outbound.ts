/**
 * What the loyalty program tells the world after a change is stored: events (to Shopify Flow
 * triggers and the EventBridge bus) and member snapshots (to customer metafields). All of it is
 * derived from the table's change stream, never written on the hot path. Plain types shared by the
 * pure derivation and the adapters that send.
 */

export const OUTBOUND_EVENT_TYPES = ['tier_changed', 'points_earned', 'reward_redeemed', 'points_expiring', 'reward_available', 'priority_fading'] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/**
 * One event. `id` is deterministic (the change that caused it and the event's type), so a record
 * read twice gives the same event twice, and whoever receives it can drop the second.
 */
export interface OutboundEvent {
  id: string;
  type: OutboundEventType;
  shop: string;
  customerId: string;
  /** The business instant of the change (the order's, the redemption's), ISO 8601. */
  occurredAt: string;
  /** The event's own fields, flat: see `docs/outbound-events.md` for each type's schema. */
  data: Record<string, string | number | boolean | null>;
}

/** Where events go besides Flow: the EventBridge bus in the cloud, a list locally. */
export interface OutboundEventBus {
  /** Publishes every event; answers the ones that could not be published (to be retried). */
  publish(events: OutboundEvent[]): Promise<{ failed: OutboundEvent[] }>;
}
