/**
 * `/admin/campaigns`: the store owner schedules bonus campaigns. `GET` lists them (running,
 * scheduled, ended), `POST` adds one, `PUT /:id` replaces a scheduled one (or moves a running
 * one's end), `POST /:id/end` ends a running one now, `DELETE /:id` removes a scheduled one.
 * A campaign with problems answers 422 with each field's problem; one that would run at the same
 * time as another on the same orders answers 409 naming it; either way nothing is stored. A
 * collection or tag campaign reads its products from Shopify before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { campaignStatus, InvalidCampaignError, type Campaign } from '../campaigns/campaign.ts';
import { withEndedCampaign, withNewCampaign, withoutCampaign, withReplacedCampaign, type BookContext } from '../campaigns/book.ts';
import { CampaignError, CampaignOverlapError, CampaignStartedError } from '../campaigns/errors.ts';
import { newShop } from '../earning/shops.ts';
import type { SessionUser } from '../shopify/session-token.ts';
import type { CampaignBook } from '../campaigns/campaign.ts';
import type { CampaignProductSet } from '../store/ports.ts';
import { retryOnConflict } from '../store/retry.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBody } from './json-body.ts';
import { HttpProblem } from './problems.ts';

type CampaignsEnv = { Variables: { user: SessionUser; now: Date } };

interface Decision {
  campaigns: Campaign[];
  campaign?: Campaign;
}

export function campaignRoutes(deps: ApiDeps) {
  const context = async (shop: string, now: Date): Promise<BookContext> => {
    const record = (await deps.store.getShop(shop)) ?? newShop(shop, now);
    return { now, tiers: record.program.tiers.map((tier) => tier.name) };
  };

  /**
   * Decides on the book as read and saves, again on a conflict. A campaign whose target is new
   * reads its products first (once, outside the retries); a problem answers before anything is written.
   */
  const change = async (shop: string, now: Date, decide: (ctx: BookContext, book: CampaignBook) => Decision): Promise<Decision> => {
    const ctx = await context(shop, now);
    let read: Awaited<ReturnType<typeof readProducts>> | undefined;
    return retryOnConflict(async () => {
      const book = await deps.store.campaignBook(shop);
      const decision = asProblem(() => decide(ctx, book));
      let campaign = decision.campaign;
      let sets: CampaignProductSet[] = [];
      if (campaign && (campaign.target.type === 'collection' || campaign.target.type === 'tag') && !campaign.products) {
        read ??= await readProducts(deps, shop, now, campaign);
        campaign = { ...campaign, products: read.products };
        sets = [{ campaignId: campaign.id, productIds: read.productIds }];
      }
      const saved = campaign;
      const campaigns = saved ? decision.campaigns.map((candidate) => (candidate.id === saved.id ? saved : candidate)) : decision.campaigns;
      return (await deps.store.saveCampaignBook(shop, book, campaigns, sets)) ? { campaigns, ...(saved ? { campaign: saved } : {}) } : 'conflict';
    });
  };

  return new Hono<CampaignsEnv>()
    .get('/campaigns', async (c) => {
      const now = c.get('now');
      const book = await deps.store.campaignBook(c.get('user').shop);
      const order = { running: 0, scheduled: 1, ended: 2 };
      const views = book.campaigns.map((campaign) => campaignView(campaign, now));
      views.sort((a, b) => order[a.status] - order[b.status] || (a.status === 'ended' ? b.endsAt.localeCompare(a.endsAt) : a.startsAt.localeCompare(b.startsAt)));
      return c.json({ campaigns: views });
    })
    .post('/campaigns', async (c) => {
      const { shop, userId } = c.get('user');
      const now = c.get('now');
      const body = await jsonBody(c.req.raw);
      const id = randomUUID();
      const { campaign } = await change(shop, now, (ctx, book) => withNewCampaign(book, body, { ...ctx, id }));
      deps.logger.info('campaign scheduled', { shop, userId, campaignId: id, startsAt: campaign!.startsAt, endsAt: campaign!.endsAt, target: campaign!.target.type });
      return c.json(campaignView(campaign!, now), 201);
    })
    .put('/campaigns/:id', async (c) => {
      const { shop, userId } = c.get('user');
      const now = c.get('now');
      const id = campaignId(c.req.param('id'));
      const body = await jsonBody(c.req.raw);
      const { campaign } = await change(shop, now, (ctx, book) => withReplacedCampaign(book, id, body, ctx));
      deps.logger.info('campaign changed', { shop, userId, campaignId: id });
      return c.json(campaignView(campaign!, now));
    })
    .post('/campaigns/:id/end', async (c) => {
      const { shop, userId } = c.get('user');
      const now = c.get('now');
      const id = campaignId(c.req.param('id'));
      const { campaign } = await change(shop, now, (_ctx, book) => withEndedCampaign(book, id, now));
      deps.logger.info('campaign ended early', { shop, userId, campaignId: id });
      return c.json(campaignView(campaign!, now));
    })
    .delete('/campaigns/:id', async (c) => {
      const { shop, userId } = c.get('user');
      const now = c.get('now');
      const id = campaignId(c.req.param('id'));
      await change(shop, now, (_ctx, book) => ({ campaigns: withoutCampaign(book, id, now) }));
      deps.logger.info('campaign deleted', { shop, userId, campaignId: id });
      return c.body(null, 204);
    });
}

/** A campaign as the admin shows it: its fields, its status now, and how many products it reaches. */
export function campaignView(campaign: Campaign, now: Date) {
  return { ...campaign, status: campaignStatus(campaign, now) };
}

/** The target's products from Shopify, or the problem that keeps the campaign from being saved. */
async function readProducts(deps: ApiDeps, shop: string, now: Date, campaign: Campaign): Promise<{ productIds: string[]; products: NonNullable<Campaign['products']> }> {
  const target = campaign.target;
  if (target.type !== 'collection' && target.type !== 'tag') throw new Error('only collection and tag campaigns have products');
  if (!deps.productSets) throw new HttpProblem(503, 'shopify-unavailable', 'this service has no Admin API to read the products of a collection or tag; try an "all" or "tier" campaign');
  const record = (await deps.store.getShop(shop)) ?? newShop(shop, now);
  const outcome = await deps.productSets.products(record, target);
  const path = target.type === 'collection' ? 'target.collectionId' : 'target.tag';
  switch (outcome.kind) {
    case 'ok':
      return { productIds: outcome.productIds, products: { count: outcome.productIds.length, resolvedAt: now.toISOString() } };
    case 'not-found':
      throw asHttp(new InvalidCampaignError([{ path, message: 'The shop has no such collection.' }]));
    case 'too-many':
      throw asHttp(new InvalidCampaignError([{ path, message: `It holds more than ${outcome.limit} products: a campaign reaches at most ${outcome.limit}. Choose a smaller collection or tag.` }]));
    case 'rejected':
      throw new HttpProblem(502, 'shopify-unavailable', `Shopify refused to list the products: ${outcome.reason}`);
    case 'retry':
      throw new HttpProblem(503, 'shopify-unavailable', `Shopify could not list the products now (${outcome.reason}); nothing was saved, try again`, { retryAfter: Math.max(1, Math.ceil(outcome.afterMs / 1000)) });
  }
}

function campaignId(value: string): string {
  if (!/^[0-9a-f-]{36}$/.test(value)) throw new HttpProblem(404, 'not-found', `no campaign ${value.slice(0, 60)}`);
  return value;
}

/** The core's refusals as problem+json answers, with what the form needs to show beside its fields. */
function asProblem<T>(decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    throw asHttp(error);
  }
}

function asHttp(error: unknown): unknown {
  if (error instanceof InvalidCampaignError) return new HttpProblem(422, error.type, error.message, { problems: error.problems });
  if (error instanceof CampaignOverlapError) {
    const other = error.other;
    return new HttpProblem(409, error.type, error.message, { conflictsWith: { id: other.id, name: other.name, startsAt: other.startsAt, endsAt: other.endsAt, target: other.target } });
  }
  if (error instanceof CampaignStartedError) return new HttpProblem(409, error.type, error.message, { status: error.status });
  if (error instanceof CampaignError) return new HttpProblem(error.type === 'not-found' ? 404 : 409, error.type, error.message);
  return error;
}

