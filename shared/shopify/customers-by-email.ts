/**
 * Who a shop's email addresses belong to, asked of the Admin API (`customers(query: "email:…")`),
 * for the members CSV import's rows that name no customer id. Addresses go 25 to a query
 * (`email:"a@x.com" OR email:"b@y.com" …`), four queries at a time; the transport keeps to the
 * shop's cost bucket. Needs `read_customers` (part of `write_customers`).
 */
import type { CustomerDirectory } from '../migration/import-members.ts';
import { CustomerLookupUnavailableError } from '../migration/errors.ts';
import type { Shop } from '../store/ports.ts';
import type { AdminGraphql } from './admin-graphql-transport.ts';

export const CUSTOMERS_BY_EMAIL_QUERY = `query CustomersByEmail($first: Int!, $query: String!) {
  customers(first: $first, query: $query) {
    nodes { id defaultEmailAddress { emailAddress } }
  }
}`;

/** Addresses per query: with two objects a customer, a page of 25 costs about 52 points. */
export const EMAILS_PER_QUERY = 25;
const QUERIES_AT_ONCE = 4;

interface Answer {
  customers: { nodes: { id: string; defaultEmailAddress: { emailAddress: string | null } | null }[] };
}

export class ShopifyCustomerDirectory implements CustomerDirectory {
  constructor(private readonly graphql: AdminGraphql) {}

  async customerIdsByEmail(shop: Shop, emails: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(emails.map((email) => email.toLowerCase()))];
    const batches: string[][] = [];
    for (let i = 0; i < wanted.length; i += EMAILS_PER_QUERY) batches.push(wanted.slice(i, i + EMAILS_PER_QUERY));
    const found = new Map<string, string>();
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const query = batch.map((email) => `email:"${email}"`).join(' OR ');
        const outcome = await this.graphql.request<Answer>(shop, CUSTOMERS_BY_EMAIL_QUERY, { first: EMAILS_PER_QUERY, query });
        if (outcome.kind === 'retry') throw new CustomerLookupUnavailableError(outcome.afterMs, outcome.reason);
        if (outcome.kind === 'rejected') throw new CustomerLookupUnavailableError(60_000, `Shopify refused the look-up: ${outcome.reason}`);
        const asked = new Set(batch);
        for (const node of outcome.data.customers.nodes) {
          // Shopify's search matches loosely: only an exact address (any case) counts.
          const email = node.defaultEmailAddress?.emailAddress?.toLowerCase();
          const id = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(node.id)?.[1];
          if (email && id && asked.has(email) && !found.has(email)) found.set(email, id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(QUERIES_AT_ONCE, batches.length) }, lane));
    return found;
  }
}
