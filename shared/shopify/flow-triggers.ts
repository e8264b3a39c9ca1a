/**
 * Outbound events as Shopify Flow triggers: one trigger extension per event type
 * (`extensions/flow-trigger-*`), started with `flowTriggerReceive(handle:, payload:)`. The payload
 * is keyed by the trigger's field keys as its `shopify.extension.toml` declares them: a
 * `customer_reference` field is `customer_id` (the customer's numeric id), every other field its
 * own key, which Flow allows only in letters and spaces. `FLOW_TRIGGERS` is that declaration in
 * code; a test reads every toml against it, so the two cannot drift.
 */
import type { Shop } from '../store/ports.ts';
import type { OutboundEvent, OutboundEventType } from '../stream/outbound.ts';
import type { AdminGraphql, GraphqlOutcome } from './admin-graphql-transport.ts';

/** The field types a Flow trigger takes (beyond the reference types), as Shopify CLI accepts them. */
export type FlowTriggerFieldType = 'single_line_text_field' | 'number_decimal' | 'boolean' | 'email' | 'url';

export interface FlowTriggerField {
  /** The key in the toml and the payload: letters and spaces only. */
  key: string;
  type: FlowTriggerFieldType;
  /** The event's `data` field it carries; a missing (null) text is sent as "" (Flow wants every field). */
  from: string;
  description: string;
}

export interface FlowTrigger {
  handle: string;
  /** The merchant-facing name in the Flow editor: object, past-tense verb, sentence case. */
  name: string;
  description: string;
  /** Fields after the `customer_reference` every trigger starts with. */
  fields: FlowTriggerField[];
}

const text = (key: string, from: string, description: string): FlowTriggerField => ({ key, type: 'single_line_text_field', from, description });
const number = (key: string, from: string, description: string): FlowTriggerField => ({ key, type: 'number_decimal', from, description });

/** Each event type's trigger extension. Handles never change once deployed (Flow keys workflows by them). */
export const FLOW_TRIGGERS: Record<OutboundEventType, FlowTrigger> = {
  tier_changed: {
    handle: 'loyalty-tier-changed',
    name: 'Loyalty tier changed',
    description: 'A loyalty member moved to another tier, up or down.',
    fields: [
      text('Previous tier', 'previousTier', 'The tier the member was in before.'),
      text('New tier', 'newTier', 'The tier the member is in now.'),
      text('Direction', 'direction', 'up or down.'),
    ],
  },
  points_earned: {
    handle: 'loyalty-points-earned',
    name: 'Loyalty points earned',
    description: 'A loyalty member earned points: an order, the signup bonus, an adjustment, or a re-rated order.',
    fields: [
      number('Points', 'points', 'The points earned.'),
      number('Balance', 'balance', 'The spendable balance after them (points still pending are not in it).'),
      text('Source', 'source', 'order, signup, bonus, adjustment or rerate.'),
      text('Order ID', 'orderId', 'The order that earned them; empty when no order did.'),
      text('Pending until', 'pendingUntil', 'When the points become spendable (ISO 8601); empty when they already are.'),
    ],
  },
  reward_redeemed: {
    handle: 'loyalty-reward-redeemed',
    name: 'Loyalty reward redeemed',
    description: 'A loyalty member redeemed points for a reward, and Shopify has the discount code or store credit.',
    fields: [
      text('Reward ID', 'rewardId', 'The reward in the program.'),
      text('Reward name', 'rewardName', 'The reward as the customer sees it.'),
      text('Reward kind', 'rewardKind', 'fixed_amount, percentage, free_shipping or store_credit.'),
      number('Points spent', 'points', 'The points the reward cost.'),
      text('Code', 'code', 'The discount code; empty for store credit.'),
      text('Expires at', 'expiresAt', 'When the code or credit expires (ISO 8601); empty when it never does.'),
    ],
  },
  points_expiring: {
    handle: 'loyalty-points-expiring',
    name: 'Loyalty points expiring soon',
    description: 'Some of a loyalty member’s points expire soon (sent with each expiry reminder).',
    fields: [
      number('Points', 'points', 'The points that expire on that day.'),
      text('Expires on', 'expiresOn', 'The day they expire (YYYY-MM-DD).'),
      number('Days before', 'daysBefore', 'How many days before the expiry this reminder is.'),
      number('Balance', 'balance', 'The member’s spendable balance now.'),
    ],
  },
  reward_available: {
    handle: 'loyalty-reward-available',
    name: 'Loyalty reward available',
    description: 'A loyalty member’s balance now covers a reward it did not cover before.',
    fields: [
      text('Reward ID', 'rewardId', 'The reward in the program.'),
      text('Reward name', 'rewardName', 'The reward as the customer sees it.'),
      number('Cost', 'cost', 'The points the reward costs.'),
      number('Balance', 'balance', 'The member’s spendable balance now.'),
    ],
  },
  priority_fading: {
    handle: 'loyalty-priority-fading',
    name: 'Priority customer fading',
    description: 'A valuable customer (spend in the year up to their last order at least the program’s threshold) has gone past their usual time between orders.',
    fields: [
      number('Value', 'value', 'Their eligible spend in the year up to their last order, in the shop’s currency.'),
      text('Currency', 'currency', 'The shop’s currency (ISO 4217).'),
      number('Orders', 'orderCount', 'Their paid orders, not cancelled.'),
      text('Last order at', 'lastOrderAt', 'When they last ordered (ISO 8601).'),
      number('Usual interval days', 'usualIntervalDays', 'Their usual days between orders; 0 after one order.'),
      text('Previous stage', 'previousStage', 'new, regular or loyal.'),
    ],
  },
};

/** Flow refuses trigger payloads of 50,000 bytes or more. */
export const FLOW_PAYLOAD_LIMIT_BYTES = 50_000;

const FLOW_TRIGGER_RECEIVE = `mutation LoyaltyFlowTrigger($handle: String, $payload: JSON) {
  flowTriggerReceive(handle: $handle, payload: $payload) {
    userErrors { field message }
  }
}`;

interface FlowTriggerReceiveAnswer {
  flowTriggerReceive?: { userErrors?: { field?: string[] | null; message: string }[] } | null;
}

/** The payload of an event's trigger: `customer_id`, then each field by its key. */
export function flowTriggerPayload(event: OutboundEvent): Record<string, string | number | boolean> {
  const trigger = FLOW_TRIGGERS[event.type];
  // Shopify's customer ids are numbers well inside 2^53; one that is not is sent as written.
  const customerId = Number(event.customerId);
  const payload: Record<string, string | number | boolean> = { customer_id: Number.isSafeInteger(customerId) ? customerId : event.customerId };
  for (const field of trigger.fields) {
    const value = event.data[field.from];
    payload[field.key] = value ?? (field.type === 'number_decimal' ? 0 : '');
  }
  return payload;
}

export class FlowTriggers {
  constructor(private readonly graphql: AdminGraphql) {}

  /**
   * Starts the workflows of the event's trigger in its shop. `retry` when throttled or Shopify is
   * unreachable; `rejected` when Flow refuses it (its userErrors, e.g. a shop without Flow), which
   * no retry changes.
   */
  async send(shop: Shop, event: OutboundEvent): Promise<GraphqlOutcome<unknown>> {
    const payload = flowTriggerPayload(event);
    if (Buffer.byteLength(JSON.stringify(payload)) >= FLOW_PAYLOAD_LIMIT_BYTES) return { kind: 'rejected', reason: `the ${event.type} payload is over Flow's 50,000 bytes` };
    const outcome = await this.graphql.request<FlowTriggerReceiveAnswer>(shop, FLOW_TRIGGER_RECEIVE, { handle: FLOW_TRIGGERS[event.type].handle, payload });
    if (outcome.kind !== 'ok') return outcome;
    const errors = outcome.data?.flowTriggerReceive?.userErrors ?? [];
    if (errors.length) return { kind: 'rejected', reason: `Flow refused the ${event.type} trigger: ${errors.map((e) => (e.field?.length ? `${e.field.join('.')}: ${e.message}` : e.message)).join('; ')}` };
    return outcome;
  }
}
