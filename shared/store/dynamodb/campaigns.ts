/**
 * A shop's bonus campaigns in the table: one item holding them all (at most `MAX_CAMPAIGNS`, a few
 * hundred bytes each), and one item per collection or tag campaign with its product ids. A paid
 * order reads the book and, when a product campaign runs at its instant, that campaign's products;
 * both stay in the container's memory for `ttlMs`, so a busy shop reads them a few times a minute,
 * not once an order. A save here forgets them at once; another container's save arrives within `ttlMs`.
 */
import { GetItemCommand, TransactWriteItemsCommand, TransactionCanceledException, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { runsAt, type Campaign, type CampaignBook, type RunningCampaign } from '../../campaigns/campaign.ts';
import type { CampaignProductSet, CampaignStore } from '../ports/campaigns.ts';
import { campaignProductsKey, campaignsKey } from './keys.ts';
import { batchGet } from './reads.ts';
import { SHOP_CACHE_TTL_MS } from './shop-cache.ts';
import { expectRev } from './writes.ts';

export class DynamoDbCampaignStore implements CampaignStore {
  private readonly books = new Map<string, { campaigns: Campaign[]; until: number }>();
  /** Product sets by shop, campaign and the instant they were read from Shopify (a new reading is a new entry). */
  private readonly products = new Map<string, { ids: ReadonlySet<string>; until: number }>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly ttlMs = SHOP_CACHE_TTL_MS,
  ) {}

  async campaignBook(shop: string): Promise<CampaignBook> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: marshall(campaignsKey(shop)), ConsistentRead: true }));
    if (!Item) return { campaigns: [], rev: 0 };
    const { campaigns, rev } = unmarshall(Item) as { campaigns: Campaign[]; rev: number };
    return { campaigns, rev };
  }

  /** Whether this container holds the shop's campaigns fresh enough at `now` (no read needed). */
  holds(shop: string, now: Date): boolean {
    return (this.books.get(shop)?.until ?? 0) > now.getTime();
  }

  /** The shop's campaigns item as a paid order's batch read it (none: the shop has no campaigns). */
  remember(shop: string, item: Record<string, AttributeValue> | undefined, now: Date): void {
    if (this.ttlMs <= 0) return;
    const campaigns = item ? ((unmarshall(item).campaigns as Campaign[] | undefined) ?? []) : [];
    this.books.set(shop, { campaigns, until: now.getTime() + this.ttlMs });
  }

  async recentCampaigns(shop: string, now: Date): Promise<Campaign[]> {
    const cached = this.books.get(shop);
    if (cached && cached.until > now.getTime()) return cached.campaigns;
    const { campaigns } = await this.campaignBook(shop);
    if (this.ttlMs > 0) this.books.set(shop, { campaigns, until: now.getTime() + this.ttlMs });
    return campaigns;
  }

  async saveCampaignBook(shop: string, book: CampaignBook, campaigns: Campaign[], productSets: CampaignProductSet[]): Promise<boolean> {
    const TableName = this.tableName;
    const writes: TransactWriteItem[] = [
      { Put: { TableName, Item: marshall({ ...campaignsKey(shop), entity: 'campaigns', shop, campaigns, rev: book.rev + 1 }, { removeUndefinedValues: true }), ...expectRev(book.rev) } },
    ];
    for (const set of productSets) {
      writes.push({ Put: { TableName, Item: marshall({ ...campaignProductsKey(shop, set.campaignId), entity: 'campaign-products', shop, campaignId: set.campaignId, productIds: set.productIds }) } });
    }
    const kept = new Set(campaigns.map((campaign) => campaign.id));
    const gone = book.campaigns.filter((campaign) => !kept.has(campaign.id) && campaign.target.type !== 'all' && campaign.target.type !== 'tier');
    // Emptied, not deleted: the API function may write the shop's partition but deletes nothing
    // (infra/loyalty-stack.ts). A transaction holds 100 items: one left over (never read again) goes with the shop.
    for (const campaign of gone.slice(0, 90 - productSets.length)) {
      writes.push({ Put: { TableName, Item: marshall({ ...campaignProductsKey(shop, campaign.id), entity: 'campaign-products', shop, campaignId: campaign.id, productIds: [] }) } });
    }
    this.books.delete(shop);
    try {
      await this.client.send(new TransactWriteItemsCommand({ TransactItems: writes }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async campaignsRunningAt(shop: string, at: string, now: Date): Promise<RunningCampaign[]> {
    const running = (await this.recentCampaigns(shop, now)).filter((campaign) => runsAt(campaign, at));
    const needProducts = running.filter((campaign) => campaign.target.type === 'collection' || campaign.target.type === 'tag');
    if (needProducts.length === 0) return running;
    const cacheKey = (campaign: Campaign) => `${shop}#${campaign.id}#${campaign.products?.resolvedAt ?? ''}`;
    const missing = needProducts.filter((campaign) => !((this.products.get(cacheKey(campaign))?.until ?? 0) > now.getTime()));
    if (missing.length) {
      const items = await batchGet(this.client, this.tableName, missing.map((campaign) => campaignProductsKey(shop, campaign.id)));
      for (const campaign of missing) {
        const item = items.find((candidate) => candidate.SK?.S === campaignProductsKey(shop, campaign.id).SK);
        const ids = new Set(item ? ((unmarshall(item).productIds as string[] | undefined) ?? []) : []);
        this.products.set(cacheKey(campaign), { ids, until: now.getTime() + Math.max(this.ttlMs, 0) });
      }
    }
    return running.map((campaign) => {
      const set = this.products.get(cacheKey(campaign));
      return set ? { ...campaign, productIds: set.ids } : campaign;
    });
  }
}
