/**
 * Shopify Flow's side of the fake Admin API: `flowTriggerReceive`, checked the way Flow checks it,
 * against the trigger extensions this project declares (`extensions/flow-trigger-*`, read from
 * their toml): the handle must be one of them, the payload must carry `customer_id` (a number) and
 * every declared field with a value of its type, nothing else, under 50,000 bytes. Anything else is
 * refused with userErrors, as Flow does. Added to a `startFakeShopifyAdmin()` fake without editing it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { throttledAnswer, type FakeShopifyAdmin, type RecordedCall } from './fake-shopify-admin.ts';

export const EXTENSIONS_DIR = join(import.meta.dirname, '..', '..', 'extensions');

export interface DeclaredField {
  type: string;
  key?: string;
  name?: string;
  description?: string;
  required?: boolean;
}

export interface DeclaredExtension {
  /** The extension's folder under `extensions/`. */
  folder: string;
  type: string;
  name: string;
  handle: string;
  description?: string;
  runtime_url?: string;
  fields: DeclaredField[];
}

/** Every Flow extension's `shopify.extension.toml`, parsed (`[[extensions]]` and `[[settings.fields]]`). */
export function readFlowExtensions(): DeclaredExtension[] {
  return readdirSync(EXTENSIONS_DIR)
    .filter((folder) => folder.startsWith('flow-'))
    .sort()
    .map((folder) => {
      const toml = parse(readFileSync(join(EXTENSIONS_DIR, folder, 'shopify.extension.toml'), 'utf8')) as any;
      const extension = toml.extensions?.[0] ?? {};
      return { folder, ...extension, fields: (toml.settings?.fields ?? []) as DeclaredField[] };
    });
}

/** A trigger run Flow accepted. */
export interface ReceivedTrigger {
  handle: string;
  payload: Record<string, unknown>;
}

export type FlowBehaviour = 'ok' | 'throttle' | 'user-error';

export interface FakeShopifyFlow {
  received: ReceivedTrigger[];
  /** Behaviours for the next trigger calls, in order; `ok` once they run out. */
  next: FlowBehaviour[];
}

/** What Flow would say is wrong with a payload for a trigger; empty when nothing is. */
export function payloadProblems(trigger: DeclaredExtension, payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return ['payload must be a JSON object'];
  const given = payload as Record<string, unknown>;
  const problems: string[] = [];
  const expected = new Map<string, string>();
  for (const field of trigger.fields) {
    if (field.type.endsWith('_reference')) expected.set(`${field.type.replace(/_reference$/, '')}_id`, 'reference');
    else expected.set(field.key ?? '', field.type);
  }
  for (const [key, type] of expected) {
    const value = given[key];
    if (value === undefined || value === null) {
      problems.push(`${key} is missing`);
      continue;
    }
    const ok =
      type === 'reference' ? typeof value === 'number' && Number.isSafeInteger(value) && value > 0
      : type === 'number_decimal' ? typeof value === 'number' && Number.isFinite(value)
      : type === 'boolean' ? typeof value === 'boolean'
      : typeof value === 'string';
    if (!ok) problems.push(`${key} is not a valid ${type === 'reference' ? 'id' : type}`);
  }
  for (const key of Object.keys(given)) if (!expected.has(key)) problems.push(`${key} is not a field of this trigger`);
  if (Buffer.byteLength(JSON.stringify(given)) >= 50_000) problems.push('payload must be under 50000 bytes');
  return problems;
}

export function installFakeShopifyFlow(admin: FakeShopifyAdmin): FakeShopifyFlow {
  const triggers = new Map(readFlowExtensions().filter((e) => e.type === 'flow_trigger').map((e) => [e.handle, e]));
  const flow: FakeShopifyFlow = { received: [], next: [] };
  admin.graphql.push({
    matches: (query) => /\bflowTriggerReceive\s*\(/.test(query),
    answer(call: RecordedCall, send) {
      const refuse = (field: string[], message: string) => send(200, { data: { flowTriggerReceive: { userErrors: [{ field, message }] } } });
      const behaviour = flow.next.shift() ?? 'ok';
      if (behaviour === 'throttle') return send(200, throttledAnswer());
      if (behaviour === 'user-error') return refuse(['body'], 'Flow is not available for this shop');
      // The mutation must pass the handle and the payload as variables of the right types.
      if (!/\$handle:\s*String\b/.test(call.query) || !/\$payload:\s*JSON\b/.test(call.query) || !/handle:\s*\$handle/.test(call.query) || !/payload:\s*\$payload/.test(call.query)) {
        return send(200, { errors: [{ message: 'flowTriggerReceive takes handle: String and payload: JSON', extensions: { code: 'argumentLiteralsIncompatible' } }] });
      }
      const trigger = triggers.get(String(call.variables.handle));
      if (!trigger) return refuse(['handle'], `Invalid handle: ${String(call.variables.handle)}`);
      const problems = payloadProblems(trigger, call.variables.payload);
      if (problems.length) return refuse(['payload'], problems.join('; '));
      flow.received.push({ handle: trigger.handle, payload: call.variables.payload });
      send(200, {
        data: { flowTriggerReceive: { userErrors: [] } },
        extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } } },
      });
    },
  });
  return flow;
}
