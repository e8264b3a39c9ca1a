/**
 * The Flow extensions as Shopify CLI reads them (`extensions/flow-*`, parsed with smol-toml) against
 * what the service sends and serves: every outbound event has its trigger with the fields the
 * payload carries, and the action points at the route that runs it. Field rules are Shopify CLI's
 * (letters and spaces in trigger keys, the types each extension kind takes).
 */
import { describe, expect, it } from 'vitest';
import { ADJUST_POINTS_ACTION } from '../../shared/http/flow.ts';
import { FLOW_TRIGGERS, flowTriggerPayload } from '../../shared/shopify/flow-triggers.ts';
import { OUTBOUND_EVENT_TYPES, type OutboundEvent, type OutboundEventType } from '../../shared/stream/outbound.ts';
import { payloadProblems, readFlowExtensions } from '../support/fake-shopify-flow.ts';

const extensions = readFlowExtensions();
const triggers = extensions.filter((e) => e.type === 'flow_trigger');
const actions = extensions.filter((e) => e.type === 'flow_action');

/** Shopify CLI: the non-reference field types a trigger and an action take. */
const TRIGGER_TYPES = ['boolean', 'email', 'single_line_text_field', 'url', 'number_decimal'];
const ACTION_TYPES = ['boolean', 'email', 'multi_line_text_field', 'number_integer', 'single_line_text_field', 'url', 'number_decimal'];

const SAMPLE_DATA: Record<OutboundEventType, OutboundEvent['data']> = {
  tier_changed: { previousTier: 'Bronze', newTier: 'Silver', direction: 'up' },
  points_earned: { points: 120, balance: 220, source: 'order', orderId: null, pendingUntil: null },
  reward_redeemed: { rewardId: 'five-off', rewardName: '5 off', rewardKind: 'fixed_amount', points: 500, code: 'ABC-123', expiresAt: '2026-09-01T00:00:00.000Z' },
  points_expiring: { points: 120, expiresOn: '2026-07-01', daysBefore: 30, balance: 640 },
  reward_available: { rewardId: 'five-off', rewardName: '5 off', cost: 500, balance: 510 },
  priority_fading: { value: 1600, currency: 'USD', orderCount: 4, lastOrderAt: '2026-04-05T10:00:00.000Z', usualIntervalDays: 30, previousStage: 'loyal' },
};

describe('the Flow extensions', () => {
  it('have unique handles of up to 30 letters, digits and hyphens, each in its own folder', () => {
    const handles = extensions.map((e) => e.handle);
    expect(new Set(handles).size).toBe(handles.length);
    for (const handle of handles) expect(handle).toMatch(/^[a-z0-9-]{1,30}$/);
    for (const e of extensions) expect(e.name, e.folder).toBeTruthy();
  });

  it('declare one trigger per outbound event, with the handle, name and fields the service sends', () => {
    expect(triggers.map((t) => t.folder).sort()).toEqual(OUTBOUND_EVENT_TYPES.map((type) => `flow-trigger-${type.replaceAll('_', '-')}`).sort());
    for (const type of OUTBOUND_EVENT_TYPES) {
      const declared = triggers.find((t) => t.folder === `flow-trigger-${type.replaceAll('_', '-')}`)!;
      const sent = FLOW_TRIGGERS[type];
      expect(declared.handle, type).toBe(sent.handle);
      expect(declared.name, type).toBe(sent.name);
      expect(declared.description, type).toBe(sent.description);
      expect(declared.fields, type).toEqual([{ type: 'customer_reference' }, ...sent.fields.map((f) => ({ type: f.type, key: f.key, description: f.description }))]);
    }
  });

  it('give triggers only keys of letters and spaces, of the types a trigger takes, each key once', () => {
    for (const trigger of triggers) {
      const keys = trigger.fields.filter((f) => f.type !== 'customer_reference').map((f) => f.key);
      expect(new Set(keys).size, trigger.handle).toBe(keys.length);
      for (const field of trigger.fields) {
        if (field.type === 'customer_reference') continue;
        expect(field.key, trigger.handle).toMatch(/^[a-zA-Z\s]+$/);
        expect(TRIGGER_TYPES, `${trigger.handle}: ${field.key}`).toContain(field.type);
      }
    }
  });

  it('send every trigger a payload its declaration accepts: customer_id and each field, nothing else', () => {
    for (const type of OUTBOUND_EVENT_TYPES) {
      const event: OutboundEvent = { id: `${type}:x`, type, shop: 'a.myshopify.com', customerId: '6017', occurredAt: '2026-06-01T00:00:00.000Z', data: SAMPLE_DATA[type] };
      const payload = flowTriggerPayload(event);
      const declared = triggers.find((t) => t.handle === FLOW_TRIGGERS[type].handle)!;
      expect(payloadProblems(declared, payload), type).toEqual([]);
      expect(payload.customer_id).toBe(6017);
    }
  });

  it('catch a payload that drifted from its declaration (the check above can fail)', () => {
    const declared = triggers.find((t) => t.handle === FLOW_TRIGGERS.tier_changed.handle)!;
    expect(payloadProblems(declared, { customer_id: 1, 'Previous tier': 'Bronze', 'New tier': 'Silver' })).toEqual(['Direction is missing']);
    expect(payloadProblems(declared, { customer_id: '1', 'Previous tier': 'Bronze', 'New tier': 'Silver', Direction: 'up', extra: 1 })).toEqual(['customer_id is not a valid id', 'extra is not a field of this trigger']);
  });

  it('declare the action "Adjust loyalty points" at the route that runs it, with the customer, the points and the reason', () => {
    expect(actions).toHaveLength(1);
    const action = actions[0]!;
    expect(action.folder).toBe('flow-action-adjust-points');
    expect(action.handle).toBe(ADJUST_POINTS_ACTION.handle);
    const url = new URL(action.runtime_url!);
    expect(url.protocol).toBe('https:');
    expect(url.pathname).toBe(ADJUST_POINTS_ACTION.path);
    expect(action.fields).toEqual([
      { type: 'customer_reference', required: true },
      { type: 'number_integer', key: 'points', name: 'Points', description: expect.any(String), required: true },
      { type: 'single_line_text_field', key: 'reason', name: 'Reason', description: expect.any(String), required: true },
    ]);
    for (const field of action.fields.filter((f) => f.type !== 'customer_reference')) expect(ACTION_TYPES).toContain(field.type);
  });
});
