import { describe, expect, it } from 'vitest';
import { withEndedCampaign, withNewCampaign, withoutCampaign, withReplacedCampaign } from '../../shared/campaigns/book.ts';
import { campaignBonus, qualifyingMinor, withCampaignEntry } from '../../shared/campaigns/bonus.ts';
import { InvalidCampaignError, overlapping, parseCampaignFields, runsAt, type Campaign, type CampaignFields, type RunningCampaign } from '../../shared/campaigns/campaign.ts';
import { CampaignOverlapError, CampaignStartedError } from '../../shared/campaigns/errors.ts';
import type { LedgerEntry } from '../../shared/ledger/types.ts';
import { orderEvents, parseGraphqlOrder } from '../../shared/shopify/orders-query.ts';
import { toEvent } from '../../shared/shopify/webhook-events.ts';
import { sampleOrder } from '../support/fake-shopify-orders.ts';

const now = new Date('2026-06-01T12:00:00Z');
const tiers = ['Bronze', 'Silver', 'Gold'];

const fields = (over: Partial<CampaignFields> = {}): CampaignFields => ({
  name: 'Double points weekend',
  startsAt: '2026-06-05T00:00:00.000Z',
  endsAt: '2026-06-08T00:00:00.000Z',
  kind: 'multiplier',
  multiplier: 2,
  target: { type: 'all' },
  ...over,
});

const campaign = (over: Partial<Campaign> = {}): Campaign => ({ id: 'c1', createdAt: now.toISOString(), updatedAt: now.toISOString(), ...fields(), ...over });

function problemsOf(body: unknown, at = now): { path: string; message: string }[] {
  try {
    parseCampaignFields(body, { tiers, now: at });
  } catch (error) {
    if (error instanceof InvalidCampaignError) return error.problems;
    throw error;
  }
  return [];
}

describe('a campaign as the store owner sends it', () => {
  it('is taken with its instants in UTC and a collection named by its gid', () => {
    const parsed = parseCampaignFields({ ...fields(), startsAt: '2026-06-05T02:00:00+02:00', target: { type: 'collection', collectionId: '841' } }, { tiers, now });
    expect(parsed.startsAt).toBe('2026-06-05T00:00:00.000Z');
    expect(parsed.target).toEqual({ type: 'collection', collectionId: 'gid://shopify/Collection/841' });
  });

  it('lists every problem at once, each beside its field', () => {
    const problems = problemsOf({ name: ' ', startsAt: 'tomorrow', endsAt: '2026-06-08T00:00:00Z', kind: 'multiplier', multiplier: 1, target: { type: 'all' }, colour: 'red' });
    expect(problems.map((p) => p.path).sort()).toEqual(['colour', 'multiplier', 'name', 'startsAt']);
  });

  it('needs its end after its start, at most 90 days on, and a start not past', () => {
    expect(problemsOf(fields({ endsAt: '2026-06-04T00:00:00Z' })).map((p) => p.path)).toEqual(['endsAt']);
    expect(problemsOf(fields({ endsAt: '2026-09-04T00:00:01Z' }))[0]!.message).toMatch(/90 days/);
    expect(problemsOf(fields({ startsAt: '2026-05-31T00:00:00Z' }))[0]!).toEqual({ path: 'startsAt', message: expect.stringMatching(/passed/) });
  });

  it('takes a start a few minutes past (a slow form) as now', () => {
    expect(parseCampaignFields(fields({ startsAt: '2026-06-01T11:55:00Z' }), { tiers, now }).startsAt).toBe(now.toISOString());
  });

  it('keeps only the fields of its kind, and asks for the ones it needs', () => {
    expect(problemsOf(fields({ kind: 'fixed', multiplier: 2 })).map((p) => p.path).sort()).toEqual(['multiplier', 'points']);
    expect(problemsOf(fields({ multiplier: 1.255 })).map((p) => p.path)).toEqual(['multiplier']);
    expect(problemsOf(fields({ multiplier: 11 })).map((p) => p.path)).toEqual(['multiplier']);
    const fixed = parseCampaignFields({ ...fields({ kind: 'fixed', points: 50, minimumSpend: 40 }), multiplier: undefined }, { tiers, now });
    expect(fixed).toMatchObject({ kind: 'fixed', points: 50, minimumSpend: 40 });
    expect(fixed.multiplier).toBeUndefined();
  });

  it('names a tier the program has', () => {
    expect(problemsOf(fields({ target: { type: 'tier', tier: 'Platinum' } }))).toEqual([{ path: 'target.tier', message: expect.stringContaining('Bronze, Silver, Gold') }]);
    expect(problemsOf(fields({ target: { type: 'planet' } as never })).map((p) => p.path)).toEqual(['target.type']);
  });
});

describe('campaigns that overlap', () => {
  it('are any two whose times meet, unless both are tier campaigns for different tiers', () => {
    const later = fields({ startsAt: '2026-06-08T00:00:00.000Z', endsAt: '2026-06-09T00:00:00.000Z' });
    expect(overlapping(fields(), later)).toBe(false); // the end is not part of the campaign
    expect(overlapping(fields(), fields({ startsAt: '2026-06-07T23:59:59.000Z', endsAt: '2026-06-09T00:00:00.000Z' }))).toBe(true);
    expect(overlapping(fields({ target: { type: 'collection', collectionId: 'gid://shopify/Collection/1' } }), fields({ target: { type: 'tag', tag: 'summer' } }))).toBe(true);
    expect(overlapping(fields({ target: { type: 'tier', tier: 'Gold' } }), fields({ target: { type: 'tier', tier: 'Silver' } }))).toBe(false);
    expect(overlapping(fields({ target: { type: 'tier', tier: 'Gold' } }), fields({ target: { type: 'tier', tier: 'Gold' } }))).toBe(true);
    expect(overlapping(fields({ target: { type: 'tier', tier: 'Gold' } }), fields())).toBe(true);
  });

  it('are refused by name, and the book is left as it was', () => {
    const book = { campaigns: [campaign()], rev: 1 };
    const attempt = () => withNewCampaign(book, fields({ name: 'Summer', startsAt: '2026-06-07T00:00:00Z', endsAt: '2026-06-10T00:00:00Z' }), { tiers, now, id: 'c2' });
    expect(attempt).toThrow(CampaignOverlapError);
    expect(attempt).toThrow(/Double points weekend/);
    expect(book.campaigns).toHaveLength(1);
  });

  it('do not count the campaign being replaced', () => {
    const book = { campaigns: [campaign()], rev: 1 };
    const { campaign: replaced } = withReplacedCampaign(book, 'c1', fields({ endsAt: '2026-06-09T00:00:00Z' }), { tiers, now });
    expect(replaced.endsAt).toBe('2026-06-09T00:00:00.000Z');
  });
});

describe('a campaign once it has begun', () => {
  const running = new Date('2026-06-06T00:00:00Z');
  const book = { campaigns: [campaign()], rev: 1 };

  it('keeps its terms: only its end moves', () => {
    expect(() => withReplacedCampaign(book, 'c1', fields({ multiplier: 3 }), { tiers, now: running })).toThrow(CampaignStartedError);
    const { campaign: moved } = withReplacedCampaign(book, 'c1', fields({ endsAt: '2026-06-10T00:00:00Z' }), { tiers, now: running });
    expect(moved).toMatchObject({ multiplier: 2, startsAt: '2026-06-05T00:00:00.000Z', endsAt: '2026-06-10T00:00:00.000Z' });
  });

  it('is ended, not deleted; an ended one is kept as it is', () => {
    expect(() => withoutCampaign(book, 'c1', running)).toThrow(/end it instead/);
    expect(withEndedCampaign(book, 'c1', running).campaign.endsAt).toBe(running.toISOString());
    expect(() => withReplacedCampaign(book, 'c1', fields(), { tiers, now: new Date('2026-06-09T00:00:00Z') })).toThrow(/has ended/);
    expect(withoutCampaign(book, 'c1', now)).toEqual([]);
  });
});

describe('the bonus of an order', () => {
  const base = { at: '2026-06-06T10:00:00Z', tier: 'Bronze', tierMultiplier: 1, eligibleMinor: 12_000, currency: 'USD', pointsPerUnit: 1 };
  const products = (over: Partial<Campaign>, ids: string[]): RunningCampaign => ({ ...campaign(over), productIds: new Set(ids) });

  it('comes from the campaign running at the order’s own instant, end excluded', () => {
    expect(campaignBonus({ ...base, campaigns: [campaign()] })).toEqual({ campaignId: 'c1', name: 'Double points weekend', points: 120 });
    expect(campaignBonus({ ...base, at: '2026-06-04T23:59:59Z', campaigns: [campaign()] })).toBeUndefined();
    expect(campaignBonus({ ...base, at: '2026-06-08T00:00:00Z', campaigns: [campaign()] })).toBeUndefined();
    expect(runsAt(campaign(), '2026-06-05T00:00:00Z')).toBe(true);
  });

  it('multiplies the tier’s points too, rounding down once, in integers', () => {
    // 99.99 × 1.25 (Silver) × (1.5 − 1) = 62.49375 → 62
    expect(campaignBonus({ ...base, eligibleMinor: 9_999, tierMultiplier: 1.25, campaigns: [campaign({ multiplier: 1.5 })] })?.points).toBe(62);
    // JPY has no minor unit: 1,999 yen × 2 points per yen × (3 − 1) = 7,996
    expect(campaignBonus({ ...base, currency: 'JPY', eligibleMinor: 1_999, pointsPerUnit: 2, campaigns: [campaign({ multiplier: 3 })] })?.points).toBe(7_996);
    // 0.33 × 1.1 − … : a bonus under one point is none at all
    expect(campaignBonus({ ...base, eligibleMinor: 33, campaigns: [campaign({ multiplier: 1.1 })] })).toBeUndefined();
  });

  it('for a tier campaign, reaches only the tier the order is rated at', () => {
    const gold = campaign({ target: { type: 'tier', tier: 'Gold' } });
    expect(campaignBonus({ ...base, campaigns: [gold] })).toBeUndefined();
    expect(campaignBonus({ ...base, tier: 'Gold', tierMultiplier: 1.5, campaigns: [gold] })?.points).toBe(180);
  });

  it('for a product campaign, is the eligible amount’s share of the qualifying lines', () => {
    const summer = products({ target: { type: 'tag', tag: 'summer' } }, ['11']);
    const lines = [{ productId: '11', netMinor: 3_000 }, { productId: '12', netMinor: 9_000 }];
    // Eligible 120.00 of lines worth 120.00: the summer line's 30.00 → 30 points more.
    expect(qualifyingMinor(summer, { ...base, lines })).toBe(3_000);
    expect(campaignBonus({ ...base, lines, campaigns: [summer] })?.points).toBe(30);
    // Taxes included take the eligible amount to 100.00: the line's share is 25.00.
    expect(qualifyingMinor(summer, { ...base, eligibleMinor: 10_000, lines })).toBe(2_500);
    // No qualifying line, no lines known, or no products read: nothing.
    expect(campaignBonus({ ...base, lines: [{ productId: '12', netMinor: 9_000 }], campaigns: [summer] })).toBeUndefined();
    expect(campaignBonus({ ...base, campaigns: [summer] })).toBeUndefined();
    expect(campaignBonus({ ...base, lines, campaigns: [campaign({ target: { type: 'collection', collectionId: 'gid://shopify/Collection/5' } })] })).toBeUndefined();
  });

  it('for a fixed bonus, is its points once the qualifying spend reaches the minimum', () => {
    const fixed = campaign({ kind: 'fixed', points: 50, minimumSpend: 100, multiplier: undefined });
    expect(campaignBonus({ ...base, campaigns: [fixed] })?.points).toBe(50);
    expect(campaignBonus({ ...base, eligibleMinor: 9_999, campaigns: [fixed] })).toBeUndefined();
    expect(campaignBonus({ ...base, eligibleMinor: 0, campaigns: [campaign({ kind: 'fixed', points: 50, multiplier: undefined })] })).toBeUndefined();
  });

  it('is a ledger entry of its own, after the order’s earning, holding the balance after both', () => {
    const earn: LedgerEntry = { id: 'earn:1', type: 'earn', points: 240, occurredAt: base.at, recordedAt: base.at, balanceAfter: 340, orderId: '1' };
    const [order, bonus] = withCampaignEntry(earn, { campaignId: 'c1', name: 'Double points weekend', points: 120 }, false);
    expect(order).toMatchObject({ id: 'earn:1', type: 'earn', points: 120, balanceAfter: 220 });
    expect(bonus).toMatchObject({ id: 'earn:1:campaign', type: 'bonus', points: 120, balanceAfter: 340, reason: 'Double points weekend', campaignId: 'c1' });
    expect(bonus!.id > order!.id).toBe(true);
  });
});

describe('an order’s lines, as product campaigns read them', () => {
  it('come from the orders/paid webhook: product and price × quantity − discounts, gift cards left out', () => {
    const set = (amount: string) => ({ shop_money: { amount, currency_code: 'USD' } });
    const event = toEvent('orders/paid', {
      id: 1,
      created_at: '2026-06-06T10:00:00Z',
      currency: 'USD',
      subtotal_price_set: set('95.00'),
      customer: { id: 7, created_at: '2026-01-01T00:00:00Z' },
      line_items: [
        { product_id: 11, price: '30.00', price_set: set('30.00'), quantity: 2, gift_card: false, discount_allocations: [{ amount: '5.00', amount_set: set('5.00') }] },
        { product_id: null, price: '10.00', quantity: 1, gift_card: false },
        { product_id: 12, price: '25.00', quantity: 1, gift_card: true },
      ],
    });
    expect(event).toMatchObject({ lines: [{ productId: '11', netMinor: 5_500 }, { netMinor: 1_000 }] });
  });

  it('come from an order read back from the Admin API the same way, its product gid made a numeric id', () => {
    const node = sampleOrder({ id: 2, customerId: 7, createdAt: '2026-06-06T10:00:00Z', subtotal: '40.00' });
    node.lineItems.nodes[0] = { ...node.lineItems.nodes[0], product: { id: 'gid://shopify/Product/11' } } as never;
    const [paid] = orderEvents(parseGraphqlOrder(node));
    expect(paid).toMatchObject({ kind: 'order-paid', lines: [{ productId: '11', netMinor: 4_000 }] });
  });
});
