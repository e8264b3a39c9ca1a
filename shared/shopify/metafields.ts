/**
 * `metafieldsSet` on the Admin API: members' customer metafields, several members a call (at most
 * 25 metafields, Shopify's limit), and the shop's `program` metafield. Built on `AdminGraphql`, so
 * each shop's cost bucket is respected: a call the bucket cannot pay comes back as a retry.
 */
import type { MetafieldValue } from '../stream/member-metafields.ts';
import type { Shop } from '../store/records.ts';
import type { MetafieldsOutcome, MetafieldsWriter } from '../stream/outbound-sender.ts';
import type { AdminGraphql } from './admin-graphql-transport.ts';

/** Shopify's limit of metafields in one `metafieldsSet`. */
export const METAFIELDS_PER_CALL = 25;

/** The app-reserved namespace: Shopify keeps it to this app (`app--{app id}` in Liquid). */
export const APP_NAMESPACE = '$app';

const METAFIELDS_SET = `mutation LoyaltyMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { key namespace ownerType }
    userErrors { field message code }
  }
}`;

const SHOP_ID = `query LoyaltyShopId { shop { id } }`;

/** The metafields of one owner (`gid://shopify/Customer/1`, `gid://shopify/Shop/1`). */
export interface OwnedMetafields {
  ownerId: string;
  values: MetafieldValue[];
}

export interface MetafieldsUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

interface SetAnswer {
  metafieldsSet: { metafields: unknown[] | null; userErrors: MetafieldsUserError[] };
}

/**
 * A call's outcome is `ok` with `refused` when Shopify refused some owners' values for good
 * (userErrors): it then set nothing (the mutation is atomic), and the others may be sent again.
 */
export class ShopifyMetafields implements MetafieldsWriter {
  /** Each shop's GraphQL id, learned once per container (it never changes). */
  private readonly shopIds = new Map<string, string>();

  constructor(private readonly graphql: AdminGraphql) {}

  /** Sets the owners' metafields in one call; the caller keeps it within `METAFIELDS_PER_CALL`. */
  async set(shop: Shop, owners: OwnedMetafields[]): Promise<MetafieldsOutcome> {
    const metafields = owners.flatMap(({ ownerId, values }) => values.map(({ key, type, value }) => ({ ownerId, namespace: APP_NAMESPACE, key, type, value })));
    if (metafields.length > METAFIELDS_PER_CALL) throw new Error(`metafieldsSet takes at most ${METAFIELDS_PER_CALL} metafields; ${metafields.length} given`);
    const outcome = await this.graphql.request<SetAnswer>(shop, METAFIELDS_SET, { metafields });
    if (outcome.kind !== 'ok') return outcome;
    const errors = outcome.data.metafieldsSet?.userErrors ?? [];
    if (!errors.length) return { kind: 'ok', refused: [] };
    // `field` is ["metafields", "<index>", "<input field>"]: the index finds the owner.
    const refused = new Map<string, MetafieldsUserError[]>();
    for (const error of errors) {
      const index = Number(error.field?.[1]);
      const ownerId = Number.isInteger(index) && metafields[index] ? metafields[index].ownerId : owners.length === 1 ? owners[0]!.ownerId : '*';
      refused.set(ownerId, [...(refused.get(ownerId) ?? []), error]);
    }
    return { kind: 'ok', refused: [...refused].map(([ownerId, errors]) => ({ ownerId, errors })) };
  }

  /** Sets the shop's own metafields (the public program), learning its id first. */
  async setOnShop(shop: Shop, values: MetafieldValue[]): Promise<MetafieldsOutcome> {
    let ownerId = this.shopIds.get(shop.shop);
    if (!ownerId) {
      const answer = await this.graphql.request<{ shop: { id: string } | null }>(shop, SHOP_ID);
      if (answer.kind !== 'ok') return answer;
      if (!answer.data.shop?.id) return { kind: 'rejected', reason: 'Shopify answered no shop id' };
      ownerId = answer.data.shop.id;
      this.shopIds.set(shop.shop, ownerId);
    }
    return this.set(shop, [{ ownerId, values }]);
  }
}
