/**
 * Bonus campaigns: a time box in which orders earn more, by a multiplier or a fixed bonus, on every
 * order, a collection's products, a product tag's products, or one tier's members. Plain values
 * and pure rules: what a campaign may say, which campaigns may run at the same time, and what a
 * store owner may still change once a campaign has begun.
 */
import * as z from 'zod/mini';

export type CampaignTarget =
  | { type: 'all' }
  | { type: 'collection'; collectionId: string }
  | { type: 'tag'; tag: string }
  | { type: 'tier'; tier: string };

/** What the store owner sets; the same shape for a new campaign and a whole replacement. */
export interface CampaignFields {
  name: string;
  /** ISO instants, UTC: the campaign applies to orders placed at `startsAt` up to (not including) `endsAt`. */
  startsAt: string;
  endsAt: string;
  kind: 'multiplier' | 'fixed';
  /** `multiplier` campaigns: qualifying spend earns this many times its points (1 < m ≤ 10). */
  multiplier?: number;
  /** `fixed` campaigns: these points once per qualifying order. */
  points?: number;
  /** `fixed` campaigns: the qualifying spend (shop currency units, e.g. 50 for 50.00) an order needs. */
  minimumSpend?: number;
  target: CampaignTarget;
}

export interface Campaign extends CampaignFields {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** Collection and tag campaigns: how many products the target held when last read from Shopify. */
  products?: { count: number; resolvedAt: string; truncated?: true };
}

/** A shop's campaigns, kept in one record: every order reads it (through a short cache). */
export interface CampaignBook {
  campaigns: Campaign[];
  /** 0 for a book not stored yet. */
  rev: number;
}

/** A campaign as an order sees it: collection and tag campaigns carry their products' ids. */
export type RunningCampaign = Campaign & { productIds?: ReadonlySet<string> };

export type CampaignStatus = 'scheduled' | 'running' | 'ended';

export interface CampaignProblem {
  path: string;
  message: string;
}

/** The longest a campaign may run. */
export const MAX_CAMPAIGN_DAYS = 90;
/** How far ahead a campaign may be scheduled. */
export const MAX_SCHEDULE_AHEAD_DAYS = 366;
/** Campaigns kept in a shop's book; ended ones older than `KEEP_ENDED_DAYS` make room. */
export const MAX_CAMPAIGNS = 100;
/** Ended campaigns stay this long, so a late webhook (or a reconciled order) still finds its campaign. */
export const KEEP_ENDED_DAYS = 400;
/** A start this little in the past (a slow form) is taken as now; further back is refused. */
export const START_GRACE_MS = 10 * 60_000;

const DAY_MS = 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;
const COLLECTION_GID = /^gid:\/\/shopify\/Collection\/([1-9][0-9]{0,19})$/;

export class InvalidCampaignError extends Error {
  readonly type = 'invalid-campaign';
  constructor(readonly problems: CampaignProblem[]) {
    super(`The campaign has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ${problems.map((p) => `${p.path}: ${p.message}`).join(' ')}`);
    this.name = 'InvalidCampaignError';
  }
}

const FieldsSchema = z.object({
  name: z.string().check(z.trim(), z.minLength(1, 'Give the campaign a name.'), z.maxLength(80, 'At most 80 characters.')),
  startsAt: z.string().check(z.regex(ISO_INSTANT, 'A date and time with its offset, e.g. 2026-07-04T00:00:00Z.')),
  endsAt: z.string().check(z.regex(ISO_INSTANT, 'A date and time with its offset, e.g. 2026-07-06T00:00:00Z.')),
  kind: z.enum(['multiplier', 'fixed'], 'Either "multiplier" or "fixed".'),
  multiplier: z.optional(z.number('A number such as 2 or 1.5.').check(z.gt(1, 'More than 1 (2 doubles the points).'), z.lte(10, 'At most 10.'))),
  points: z.optional(z.int('A whole number of points.').check(z.gte(1, 'At least 1 point.'), z.lte(100_000, 'At most 100,000 points.'))),
  minimumSpend: z.optional(z.number('An amount such as 50.').check(z.gte(0, 'Not below 0.'), z.lte(1e9, 'At most 1,000,000,000.'))),
  target: z.discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('all') }),
      z.strictObject({ type: z.literal('collection'), collectionId: z.string().check(z.trim(), z.regex(/^(?:gid:\/\/shopify\/Collection\/)?[1-9][0-9]{0,19}$/, 'A collection id: gid://shopify/Collection/123 or 123.')) }),
      z.strictObject({ type: z.literal('tag'), tag: z.string().check(z.trim(), z.minLength(1, 'Name the product tag.'), z.maxLength(255, 'At most 255 characters.')) }),
      z.strictObject({ type: z.literal('tier'), tier: z.string().check(z.trim(), z.minLength(1, 'Name the tier.'), z.maxLength(100)) }),
    ],
    'One of {"type":"all"}, {"type":"collection","collectionId":…}, {"type":"tag","tag":…}, {"type":"tier","tier":…}.',
  ),
});

const KNOWN_KEYS = new Set(['name', 'startsAt', 'endsAt', 'kind', 'multiplier', 'points', 'minimumSpend', 'target', 'id', 'status', 'createdAt', 'updatedAt', 'products']);

/**
 * A campaign as the store owner sent it, checked whole: every problem listed at once (its field and
 * what to change), or the fields, normalised (UTC instants, a collection's gid, no field of the
 * other kind). `tiers` are the program's tier names; `now` dates the request. A start a few minutes
 * past (a slow form) becomes `now`, so no order placed before the save gains a campaign after it.
 * Read-only keys a `GET` answers (`id`, `status`, …) may come back and are ignored.
 */
export function parseCampaignFields(body: unknown, context: { tiers: readonly string[]; now: Date }): CampaignFields {
  const problems: CampaignProblem[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidCampaignError([{ path: '', message: 'Send the campaign as a JSON object.' }]);
  for (const key of Object.keys(body)) if (!KNOWN_KEYS.has(key)) problems.push({ path: key, message: `A campaign has no field ${JSON.stringify(key.slice(0, 60))}.` });
  const parsed = FieldsSchema.safeParse(body);
  const raw = body as { startsAt?: unknown; endsAt?: unknown };
  const instant = (value: unknown) => (typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN);
  const now = context.now.getTime();
  const startsAtMs = instant(raw.startsAt);
  const endsAtMs = instant(raw.endsAt);
  const start = Math.max(startsAtMs, now);
  // The dates' rules run even when other fields failed their checks, so one answer lists every problem.
  if (typeof raw.startsAt === 'string' && ISO_INSTANT.test(raw.startsAt) && Number.isNaN(startsAtMs)) problems.push({ path: 'startsAt', message: 'Not a real date.' });
  if (typeof raw.endsAt === 'string' && ISO_INSTANT.test(raw.endsAt) && Number.isNaN(endsAtMs)) problems.push({ path: 'endsAt', message: 'Not a real date.' });
  if (!Number.isNaN(startsAtMs) && startsAtMs < now - START_GRACE_MS) problems.push({ path: 'startsAt', message: 'The start has passed: a campaign starts now or later.' });
  if (!Number.isNaN(startsAtMs) && startsAtMs > now + MAX_SCHEDULE_AHEAD_DAYS * DAY_MS) problems.push({ path: 'startsAt', message: `Schedule at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead.` });
  if (!Number.isNaN(startsAtMs) && !Number.isNaN(endsAtMs)) {
    if (endsAtMs <= start) problems.push({ path: 'endsAt', message: 'The end must come after the start (and after now).' });
    else if (endsAtMs - start > MAX_CAMPAIGN_DAYS * DAY_MS) problems.push({ path: 'endsAt', message: `A campaign runs at most ${MAX_CAMPAIGN_DAYS} days.` });
  }
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: issue.path.map(String).join('.'), message: issue.message });
    throw new InvalidCampaignError(problems);
  }
  const fields = parsed.data;
  if (fields.kind === 'multiplier') {
    if (fields.multiplier === undefined) problems.push({ path: 'multiplier', message: 'Say how many times the points, e.g. 2.' });
    else if (Math.round(fields.multiplier * 100) !== fields.multiplier * 100) problems.push({ path: 'multiplier', message: 'At most two decimals, e.g. 1.25.' });
    if (fields.points !== undefined) problems.push({ path: 'points', message: 'A multiplier campaign gives no fixed points: leave this out.' });
    if (fields.minimumSpend !== undefined) problems.push({ path: 'minimumSpend', message: 'Only a fixed bonus has a minimum spend: leave this out.' });
  } else {
    if (fields.points === undefined) problems.push({ path: 'points', message: 'Say how many points each qualifying order gets.' });
    if (fields.multiplier !== undefined) problems.push({ path: 'multiplier', message: 'A fixed bonus has no multiplier: leave this out.' });
    if (fields.minimumSpend !== undefined && Math.round(fields.minimumSpend * 100) !== fields.minimumSpend * 100) problems.push({ path: 'minimumSpend', message: 'At most two decimals.' });
  }
  const target = normalisedTarget(fields.target);
  if (target.type === 'tier' && !context.tiers.includes(target.tier)) {
    problems.push({ path: 'target.tier', message: `The program has no tier ${JSON.stringify(target.tier)}: one of ${context.tiers.join(', ')}.` });
  }
  if (problems.length) throw new InvalidCampaignError(problems);
  return {
    name: fields.name,
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    kind: fields.kind,
    ...(fields.kind === 'multiplier' ? { multiplier: fields.multiplier! } : { points: fields.points!, ...(fields.minimumSpend ? { minimumSpend: fields.minimumSpend } : {}) }),
    target,
  };
}

function normalisedTarget(target: CampaignTarget): CampaignTarget {
  if (target.type !== 'collection') return target;
  const id = COLLECTION_GID.exec(target.collectionId)?.[1] ?? target.collectionId;
  return { type: 'collection', collectionId: `gid://shopify/Collection/${id}` };
}

export function campaignStatus(campaign: Pick<Campaign, 'startsAt' | 'endsAt'>, now: Date): CampaignStatus {
  const at = now.toISOString();
  if (at < campaign.startsAt) return 'scheduled';
  return at < campaign.endsAt ? 'running' : 'ended';
}

/** Whether an order placed at `at` falls in the campaign: from its start, up to (not including) its end. */
export function runsAt(campaign: Pick<Campaign, 'startsAt' | 'endsAt'>, at: string): boolean {
  const instant = Date.parse(at);
  return Date.parse(campaign.startsAt) <= instant && instant < Date.parse(campaign.endsAt);
}

/**
 * Two campaigns may not run at the same time when both could reach one order: an order earns from
 * one campaign at most, so nothing stacks. Only tier campaigns for different tiers can share time
 * (an order is rated at one tier); every other pair could meet on one order (a collection's product
 * may carry the tag, an order holds lines of both collections, every order is in some tier).
 */
export function overlapping(a: CampaignFields, b: CampaignFields): boolean {
  const timesMeet = a.startsAt < b.endsAt && b.startsAt < a.endsAt;
  if (!timesMeet) return false;
  return !(a.target.type === 'tier' && b.target.type === 'tier' && a.target.tier !== b.target.tier);
}

/** The first campaign of `others` (other than `exceptId`) that would run at the same time as `fields` on the same orders. */
export function firstOverlap(fields: CampaignFields, others: readonly Campaign[], exceptId?: string): Campaign | undefined {
  return others.filter((other) => other.id !== exceptId).sort((a, b) => a.startsAt.localeCompare(b.startsAt)).find((other) => overlapping(fields, other));
}

/** The book without campaigns that ended more than `KEEP_ENDED_DAYS` ago. */
export function prunedCampaigns(campaigns: readonly Campaign[], now: Date): Campaign[] {
  const keepFrom = new Date(now.getTime() - KEEP_ENDED_DAYS * DAY_MS).toISOString();
  return campaigns.filter((campaign) => campaign.endsAt >= keepFrom);
}

/** The label a storefront shows for a campaign's target. */
export function targetLabel(target: CampaignTarget): string {
  switch (target.type) {
    case 'all':
      return 'every order';
    case 'collection':
      return 'selected products';
    case 'tag':
      return 'selected products';
    case 'tier':
      return `${target.tier} members`;
  }
}
