/** The port of a shop's bonus campaigns: the book the admin edits, and what a paid order reads of it. */
import type { Campaign, CampaignBook, RunningCampaign } from '../../campaigns/campaign.ts';

/** A collection's or tag's products, as read from Shopify when the campaign was saved. */
export interface CampaignProductSet {
  campaignId: string;
  /** Shopify's numeric product ids (the `product_id` of an order's lines). */
  productIds: string[];
}

export interface CampaignStore {
  /** The shop's campaigns as stored (read consistently); an empty book at rev 0 when none. */
  campaignBook(shop: string): Promise<CampaignBook>;
  /** The campaigns, possibly a few seconds old (the container's cache): for the storefront. */
  recentCampaigns(shop: string, now: Date): Promise<Campaign[]>;
  /**
   * Replaces the book, expecting it still at `book.rev`, with the product sets given written (and
   * those of campaigns no longer in it removed) in the same transaction. False: it changed meanwhile.
   */
  saveCampaignBook(shop: string, book: CampaignBook, campaigns: Campaign[], productSets: CampaignProductSet[]): Promise<boolean>;
  /** The campaigns that run at `at`, collection and tag ones with their products (cached a few seconds per container). */
  campaignsRunningAt(shop: string, at: string, now: Date): Promise<RunningCampaign[]>;
}
