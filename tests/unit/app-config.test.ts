/**
 * `shopify.app.toml`, read as Shopify CLI reads it: the API version, a subscription for every topic
 * the service handles (compliance topics apart), the embedded app, the App Proxy the widget
 * assumes, and exactly the access scopes that the service's calls and webhooks need.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ADMIN_API_VERSION } from '../../shared/shopify/admin-graphql.ts';
import { EARNING_TOPICS, PRIVACY_TOPICS } from '../../shared/shopify/webhook-events.ts';

const root = new URL('../../', import.meta.url);
const config = parse(readFileSync(new URL('shopify.app.toml', root), 'utf8')) as any;
const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'];

/** What needs which scope: each topic the service subscribes to, and each Admin API operation it calls. */
const SCOPE_OF_TOPIC: Record<string, string | null> = {
  'orders/paid': 'read_orders',
  'orders/cancelled': 'read_orders',
  'refunds/create': 'read_orders',
  'customers/create': 'read_customers',
  'customers/update': 'read_customers',
  'app/uninstalled': null,
};
const SCOPE_OF_OPERATION: Record<string, string> = {
  discountCodeBasicCreate: 'write_discounts',
  discountCodeFreeShippingCreate: 'write_discounts',
  codeDiscountNodeByCode: 'write_discounts', // write_ includes read_
  storeCreditAccountCredit: 'write_store_credit_account_transactions',
  metafieldsSet: 'write_customers', // the access that changes the owner (customers; the shop's own app metafields need none)
  orders: 'read_orders',
  bulkOperationRunQuery: 'read_orders',
  customers: 'read_customers', // the members import's email look-ups
  collection: 'read_products', // a collection campaign's products
  products: 'read_products', // a tag campaign's products
};
/** Scopes an operation needs besides its own: the history import reads a year of orders, past the 60 days `read_orders` sees. */
const MORE_SCOPES_OF_OPERATION: Record<string, string[]> = { bulkOperationRunQuery: ['read_all_orders'] };

/** The Admin GraphQL operations the service's code sends (mutation and query names in shared/shopify). */
function operationsInCode(): string[] {
  const dir = new URL('shared/shopify/', root);
  const source = readdirSync(dir).filter((name) => name.endsWith('.ts')).map((name) => readFileSync(new URL(name, dir), 'utf8')).join('\n');
  return Object.keys(SCOPE_OF_OPERATION).filter((operation) => new RegExp(`\\b${operation}\\s*\\(`).test(source));
}

describe('shopify.app.toml', () => {
  it('is an embedded app at the deployed /app, with a client id to fill in', () => {
    expect(config.embedded).toBe(true);
    expect(config.client_id).toEqual(expect.any(String));
    expect(config.application_url).toMatch(/^https:\/\/[^/]+\/app$/);
  });

  it('subscribes every handled topic at API version 2026-10, the one the Admin API calls use', () => {
    const subscriptions = config.webhooks.subscriptions as { topics?: string[]; compliance_topics?: string[]; uri: string }[];
    const topics = subscriptions.flatMap((s) => s.topics ?? []);

    expect(config.webhooks.api_version).toBe('2026-10');
    expect(ADMIN_API_VERSION).toBe('2026-10');
    expect(topics.sort()).toEqual([...EARNING_TOPICS, ...PRIVACY_TOPICS].filter((topic) => !COMPLIANCE_TOPICS.includes(topic)).sort());
    const compliance = subscriptions.filter((s) => s.compliance_topics);
    expect(compliance).toHaveLength(1);
    expect(compliance[0]!.topics).toBeUndefined();
    expect(compliance[0]!.compliance_topics!.sort()).toEqual(COMPLIANCE_TOPICS);
    for (const subscription of subscriptions) expect(subscription.uri).toBe(config.application_url.replace(/\/app$/, '/webhooks/shopify'));
  });

  it('sets the App Proxy the storefront widget assumes: /apps/loyalty/* to the deployed /proxy', () => {
    expect(config.app_proxy).toEqual({ url: config.application_url.replace(/\/app$/, '/proxy'), subpath: 'loyalty', prefix: 'apps' });
    const block = readFileSync(new URL('extensions/loyalty-widget/blocks/loyalty_widget.liquid', root), 'utf8');
    expect(block).toContain(`/${config.app_proxy.prefix}/${config.app_proxy.subpath}/widget.js`);
  });

  it('asks for exactly the scopes the subscribed topics and the Admin API calls need', () => {
    const needed = new Set<string>();
    for (const topic of config.webhooks.subscriptions.flatMap((s: { topics?: string[] }) => s.topics ?? [])) {
      expect(Object.keys(SCOPE_OF_TOPIC)).toContain(topic);
      if (SCOPE_OF_TOPIC[topic]) needed.add(SCOPE_OF_TOPIC[topic]!);
    }
    const operations = operationsInCode();
    expect(operations).toEqual(expect.arrayContaining(['discountCodeBasicCreate', 'discountCodeFreeShippingCreate', 'codeDiscountNodeByCode']));
    for (const operation of operations) for (const scope of [SCOPE_OF_OPERATION[operation]!, ...(MORE_SCOPES_OF_OPERATION[operation] ?? [])]) needed.add(scope);
    // A write_ scope includes its read_ scope: asking for both would be one too many.
    for (const scope of [...needed]) if (scope.startsWith('write_')) needed.delete(scope.replace(/^write_/, 'read_'));

    expect(String(config.access_scopes.scopes).split(',').sort()).toEqual([...needed].sort());
  });

  it('declares the loyalty metafields the service writes, each with the type it writes, readable on the storefront', async () => {
    const { memberMetafields } = await import('../../shared/stream/member-metafields.ts');
    const { newShop } = await import('../../shared/earning/shops.ts');
    const now = new Date('2026-06-01T00:00:00Z');
    const member = { shop: 's', customerId: '1', enrolledAt: now.toISOString(), balance: 0, consumed: 0, pending: 0, lifetimeEarned: 0, spendByOrder: {}, tier: 'Bronze', tierAsOf: now.toISOString(), contact: {}, rev: 1 };
    const written = memberMetafields(newShop('s.myshopify.com', now), member, [], now);
    const declared = config.customer.metafields.app as Record<string, { type: string; access: { storefront: string; customer_account: string } }>;
    expect(Object.keys(declared).sort()).toEqual(written.map(({ key }) => key).sort());
    for (const { key, type } of written) {
      expect(declared[key]!.type).toBe(type);
      expect(declared[key]!.access).toMatchObject({ storefront: 'public_read', customer_account: 'read' });
    }
    expect(config.shop.metafields.app.program).toMatchObject({ type: 'json', access: { storefront: 'public_read' } });
  });
});
