/** What the storefront is shown of the bonus campaigns: the ones running now, in words a customer reads. */
import { campaignStatus, targetLabel, type Campaign } from '../campaigns/campaign.ts';

export interface StorefrontCampaign {
  id: string;
  name: string;
  kind: 'multiplier' | 'fixed';
  multiplier?: number;
  points?: number;
  /** A fixed bonus's minimum qualifying spend, in the shop's currency units. */
  minimumSpend?: number;
  startsAt: string;
  endsAt: string;
  /** Who or what it reaches: "every order", "Gold members", "selected products". */
  target: string;
}

/** The campaigns running at `now`, ending soonest first. */
export function runningCampaignsView(campaigns: readonly Campaign[], now: Date): StorefrontCampaign[] {
  return campaigns
    .filter((campaign) => campaignStatus(campaign, now) === 'running')
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt))
    .map((campaign) => ({
      id: campaign.id,
      name: campaign.name,
      kind: campaign.kind,
      ...(campaign.kind === 'multiplier' ? { multiplier: campaign.multiplier! } : { points: campaign.points!, ...(campaign.minimumSpend ? { minimumSpend: campaign.minimumSpend } : {}) }),
      startsAt: campaign.startsAt,
      endsAt: campaign.endsAt,
      target: targetLabel(campaign.target),
    }));
}
