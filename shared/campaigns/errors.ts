/** Why a campaign change was refused, each with a stable `type` for the problem+json answer and the logs. */
import type { Campaign } from './campaign.ts';

export class CampaignError extends Error {
  readonly type: string = 'campaign-error';
}

/** The campaign would run at the same time as another on the same orders. */
export class CampaignOverlapError extends CampaignError {
  override readonly type = 'campaign-overlap';
  constructor(readonly other: Campaign) {
    super(`It would run at the same time as “${other.name}” (${other.startsAt} to ${other.endsAt}) on the same orders; an order earns from one campaign at most. Move the dates or change that campaign.`);
    this.name = 'CampaignOverlapError';
  }
}

/** No campaign of that id in the shop. */
export class UnknownCampaignError extends CampaignError {
  override readonly type = 'not-found';
  constructor(readonly id: string) {
    super(`no campaign ${id}`);
    this.name = 'UnknownCampaignError';
  }
}

/** A change that only a campaign not started yet allows (its orders already earned by it). */
export class CampaignStartedError extends CampaignError {
  override readonly type = 'campaign-started';
  constructor(
    readonly campaign: Campaign,
    readonly status: 'running' | 'ended',
    detail: string,
  ) {
    super(detail);
    this.name = 'CampaignStartedError';
  }
}

/** The shop already keeps as many campaigns as a book holds. */
export class TooManyCampaignsError extends CampaignError {
  override readonly type = 'too-many-campaigns';
  constructor(readonly limit: number) {
    super(`A shop keeps at most ${limit} campaigns (ended ones go after 400 days); delete a scheduled one first.`);
    this.name = 'TooManyCampaignsError';
  }
}
