/**
 * The bonus campaign running now, as a banner at the top of the widget (guests and members): its
 * name, what it gives, to which orders, and until when. From `campaigns` on `GET /program` and
 * `GET /member`; nothing shows when none runs. English words; the campaign's name is the shop's own.
 */
import { h, type Child } from './dom.ts';
import type { LocaleKit } from './messages.ts';

export interface RunningCampaign {
  id: string;
  name: string;
  kind: 'multiplier' | 'fixed';
  multiplier?: number;
  points?: number;
  minimumSpend?: number;
  endsAt: string;
  /** "every order", "Gold members", "selected products". */
  target: string;
}

export function campaignBanner(campaigns: RunningCampaign[] | undefined, kit: LocaleKit, currency: string): Child {
  const campaign = campaigns?.[0];
  if (!campaign) return null;
  const gives =
    campaign.kind === 'multiplier'
      ? `${kit.number(campaign.multiplier ?? 1)}× points on ${campaign.target}`
      : `${kit.points(campaign.points ?? 0)} extra on ${campaign.target}${campaign.minimumSpend ? ` from ${kit.money(String(campaign.minimumSpend), currency)}` : ''}`;
  return h(
    'div',
    { class: 'campaign', role: 'note', 'aria-label': campaign.name, 'data-campaign': campaign.id },
    h('strong', {}, campaign.name),
    h('br'),
    `${gives}, until ${kit.date(campaign.endsAt)}.`,
  );
}
