/**
 * The products a collection or tag campaign reaches, read from the shop's Admin API when the
 * campaign is saved: an order's lines name their product, never its collections or tags. Pages of
 * 250 through the generic transport (which keeps each shop's cost bucket), at most
 * `MAX_CAMPAIGN_PRODUCTS` products; more than that is refused rather than cut silently.
 */
import type { Shop } from '../store/ports.ts';
import type { CampaignTarget } from '../campaigns/campaign.ts';
import type { AdminGraphql, GraphqlFailure } from './admin-graphql-transport.ts';

/** The most products one campaign may reach (40 pages of 250). */
export const MAX_CAMPAIGN_PRODUCTS = 10_000;

export const COLLECTION_PRODUCTS_QUERY = `query CampaignCollectionProducts($id: ID!, $after: String) {
  collection(id: $id) {
    id
    title
    products(first: 250, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
  }
}`;

export const TAGGED_PRODUCTS_QUERY = `query CampaignTaggedProducts($query: String!, $after: String) {
  products(first: 250, after: $after, query: $query) { nodes { id } pageInfo { hasNextPage endCursor } }
}`;

export type ProductSetOutcome =
  | { kind: 'ok'; productIds: string[] }
  /** The collection does not exist in the shop. */
  | { kind: 'not-found' }
  /** More products than a campaign may reach. */
  | { kind: 'too-many'; limit: number }
  | GraphqlFailure;

/** The port: where a campaign's target becomes product ids. */
export interface ProductSetSource {
  products(shop: Shop, target: Extract<CampaignTarget, { type: 'collection' | 'tag' }>): Promise<ProductSetOutcome>;
}

interface Page {
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Shopify's search syntax for one tag, quoted (a tag may hold spaces, quotes and colons). */
export function tagQuery(tag: string): string {
  return `tag:"${tag.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export class ShopifyProductSets implements ProductSetSource {
  constructor(private readonly graphql: AdminGraphql) {}

  async products(shop: Shop, target: Extract<CampaignTarget, { type: 'collection' | 'tag' }>): Promise<ProductSetOutcome> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      let page: Page;
      if (target.type === 'collection') {
        const answer = await this.graphql.request<{ collection: { products: Page } | null }>(shop, COLLECTION_PRODUCTS_QUERY, { id: target.collectionId, after });
        if (answer.kind !== 'ok') return answer;
        if (!answer.data.collection) return { kind: 'not-found' };
        page = answer.data.collection.products;
      } else {
        const answer = await this.graphql.request<{ products: Page }>(shop, TAGGED_PRODUCTS_QUERY, { query: tagQuery(target.tag), after });
        if (answer.kind !== 'ok') return answer;
        page = answer.data.products;
      }
      for (const node of page.nodes) {
        const id = /^gid:\/\/shopify\/Product\/([0-9]+)$/.exec(node.id)?.[1];
        if (id) ids.push(id);
      }
      if (ids.length > MAX_CAMPAIGN_PRODUCTS) return { kind: 'too-many', limit: MAX_CAMPAIGN_PRODUCTS };
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { kind: 'ok', productIds: [...new Set(ids)] };
      after = page.pageInfo.endCursor;
    }
  }
}
