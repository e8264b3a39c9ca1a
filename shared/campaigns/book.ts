/**
 * Changes to a shop's campaigns, decided whole before anything is written: a new campaign, a
 * replacement, an early end, a deletion. Once a campaign has begun, orders have earned by it, so
 * it keeps its terms: only its end may move (never before now), and it is ended, not deleted.
 */
import { isDeepStrictEqual } from 'node:util';
import { firstOverlap, campaignStatus, MAX_CAMPAIGN_DAYS, MAX_CAMPAIGNS, parseCampaignFields, prunedCampaigns, InvalidCampaignError, type Campaign, type CampaignBook, type CampaignFields } from './campaign.ts';
import { CampaignOverlapError, CampaignStartedError, TooManyCampaignsError, UnknownCampaignError } from './errors.ts';

export interface BookContext {
  now: Date;
  /** The program's tier names, for tier campaigns. */
  tiers: readonly string[];
}

/** The shop's campaigns with a new one, or the reason it cannot be added. */
export function withNewCampaign(book: CampaignBook, body: unknown, ctx: BookContext & { id: string }): { campaigns: Campaign[]; campaign: Campaign } {
  const fields = parseCampaignFields(body, ctx);
  const kept = prunedCampaigns(book.campaigns, ctx.now);
  const other = firstOverlap(fields, kept);
  if (other) throw new CampaignOverlapError(other);
  if (kept.length >= MAX_CAMPAIGNS) throw new TooManyCampaignsError(MAX_CAMPAIGNS);
  const at = ctx.now.toISOString();
  const campaign: Campaign = { id: ctx.id, ...fields, createdAt: at, updatedAt: at };
  return { campaigns: [...kept, campaign], campaign };
}

/**
 * The shop's campaigns with `id` replaced by the body. A scheduled campaign is replaced whole; a
 * running one takes only a new end (the body must repeat its other terms); an ended one is kept.
 * A collection or tag campaign saved again reads its products anew.
 */
export function withReplacedCampaign(book: CampaignBook, id: string, body: unknown, ctx: BookContext): { campaigns: Campaign[]; campaign: Campaign } {
  const current = findCampaign(book, id);
  const status = campaignStatus(current, ctx.now);
  if (status === 'ended') throw new CampaignStartedError(current, status, `“${current.name}” has ended; its orders keep what it gave them, so it is not changed.`);
  let fields: CampaignFields;
  if (status === 'scheduled') {
    fields = parseCampaignFields(body, ctx);
  } else {
    // Read as of its own start, so its passed start is no problem; its new end must still lie ahead.
    const asSent = parseCampaignFields(body, { ...ctx, now: new Date(current.startsAt) });
    const changed = (['name', 'startsAt', 'kind', 'multiplier', 'points', 'minimumSpend', 'target'] as const).filter((key) => !isDeepStrictEqual(asSent[key], current[key]));
    if (changed.length) {
      throw new CampaignStartedError(current, status, `“${current.name}” is running: only its end can change (${changed.join(', ')} cannot). End it and schedule a new campaign instead.`);
    }
    if (asSent.endsAt <= ctx.now.toISOString()) throw new InvalidCampaignError([{ path: 'endsAt', message: 'The new end has passed: to stop the campaign now, end it.' }]);
    if (Date.parse(asSent.endsAt) - Date.parse(current.startsAt) > MAX_CAMPAIGN_DAYS * 86_400_000) throw new InvalidCampaignError([{ path: 'endsAt', message: `A campaign runs at most ${MAX_CAMPAIGN_DAYS} days.` }]);
    fields = asSent;
  }
  const kept = prunedCampaigns(book.campaigns, ctx.now);
  const other = firstOverlap(fields, kept, id);
  if (other) throw new CampaignOverlapError(other);
  // Without `products`: a collection or tag is read from Shopify again (a save is also how its products are refreshed).
  const { products: _read, ...rest } = current;
  const campaign: Campaign = { ...rest, ...withoutKindFields(fields), id, createdAt: current.createdAt, updatedAt: ctx.now.toISOString() };
  return { campaigns: kept.map((candidate) => (candidate.id === id ? campaign : candidate)), campaign };
}

/** A running campaign ended now: orders placed from now on no longer earn by it. */
export function withEndedCampaign(book: CampaignBook, id: string, now: Date): { campaigns: Campaign[]; campaign: Campaign } {
  const current = findCampaign(book, id);
  const status = campaignStatus(current, now);
  if (status === 'scheduled') throw new CampaignStartedError(current, 'running', `“${current.name}” has not started: delete it instead.`);
  if (status === 'ended') throw new CampaignStartedError(current, status, `“${current.name}” has already ended.`);
  const campaign: Campaign = { ...current, endsAt: now.toISOString(), updatedAt: now.toISOString() };
  return { campaigns: book.campaigns.map((candidate) => (candidate.id === id ? campaign : candidate)), campaign };
}

/** The shop's campaigns without a scheduled one; a campaign that has begun is ended instead. */
export function withoutCampaign(book: CampaignBook, id: string, now: Date): Campaign[] {
  const current = findCampaign(book, id);
  const status = campaignStatus(current, now);
  if (status !== 'scheduled') {
    throw new CampaignStartedError(current, status, status === 'running' ? `“${current.name}” is running: end it instead (orders placed so far keep their bonus).` : `“${current.name}” has ended; it stays so late orders placed during it still get their bonus.`);
  }
  return book.campaigns.filter((candidate) => candidate.id !== id);
}

export function findCampaign(book: CampaignBook, id: string): Campaign {
  const campaign = book.campaigns.find((candidate) => candidate.id === id);
  if (!campaign) throw new UnknownCampaignError(id);
  return campaign;
}

/** Only the fields of the campaign's kind (a fixed bonus carries no multiplier, and the reverse). */
function withoutKindFields(fields: CampaignFields): CampaignFields {
  const { multiplier, points, minimumSpend, ...rest } = fields;
  return fields.kind === 'multiplier' ? { ...rest, multiplier: multiplier! } : { ...rest, points: points!, ...(minimumSpend ? { minimumSpend } : {}) };
}
