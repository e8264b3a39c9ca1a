/**
 * What a campaign adds to one paid order, by the order's own instant (so a webhook delivered after
 * the campaign ended still gets the campaign the order was placed in). Integers throughout:
 *
 * - the qualifying spend is the order's eligible amount for `all` and `tier` campaigns; for
 *   `collection` and `tag` campaigns it is the eligible amount's share of the qualifying lines
 *   (line price × quantity − the line's discounts, gift cards left out), rounded down;
 * - a multiplier `m` adds `floor(qualifying × points per unit × tier multiplier × (m − 1))`, so
 *   ×2 on a whole order doubles its points (to within the one point of rounding down twice);
 * - a fixed bonus adds its points once when the qualifying spend is above 0 and reaches its
 *   minimum spend.
 *
 * The campaigns never overlap on one order (see `overlapping`); should two ever apply, the larger
 * bonus is taken, never both.
 */
import { currencyExponent, toMinorUnits } from '../money/money.ts';
import type { OrderLine } from '../earning/events.ts';
import type { LedgerEntry } from '../ledger/types.ts';
import { runsAt, type RunningCampaign } from './campaign.ts';

export interface CampaignBonus {
  campaignId: string;
  name: string;
  points: number;
}

export interface BonusInput {
  /** The shop's campaigns that may run at `at` (others are ignored), collection and tag ones with their products. */
  campaigns: readonly RunningCampaign[];
  /** The order's instant: `processed_at`, else `created_at`. */
  at: string;
  /** The tier the order is rated at. */
  tier: string;
  tierMultiplier: number;
  eligibleMinor: number;
  /** The order's lines other than gift cards; none known (an order read without them): no product campaign applies. */
  lines?: readonly OrderLine[];
  currency: string;
  pointsPerUnit: number;
}

const SCALE = 10_000n;
const scaled = (rate: number) => BigInt(Math.round(rate * Number(SCALE)));

/** The bonus of the campaign that applies to the order, if one does and gives at least a point. */
export function campaignBonus(input: BonusInput): CampaignBonus | undefined {
  let best: CampaignBonus | undefined;
  for (const campaign of input.campaigns) {
    if (!runsAt(campaign, input.at)) continue;
    const points = bonusPoints(campaign, qualifyingMinor(campaign, input), input);
    if (points > 0 && (!best || points > best.points)) best = { campaignId: campaign.id, name: campaign.name, points };
  }
  return best;
}

/** The part of the eligible amount the campaign reaches, in minor units. */
export function qualifyingMinor(campaign: RunningCampaign, input: Pick<BonusInput, 'tier' | 'eligibleMinor' | 'lines'>): number {
  const { target } = campaign;
  if (input.eligibleMinor <= 0) return 0;
  if (target.type === 'all') return input.eligibleMinor;
  if (target.type === 'tier') return target.tier === input.tier ? input.eligibleMinor : 0;
  const lines = input.lines ?? [];
  const products = campaign.productIds;
  if (!products || lines.length === 0) return 0;
  let total = 0;
  let qualifying = 0;
  for (const line of lines) {
    const net = Math.max(0, line.netMinor);
    total += net;
    if (line.productId !== undefined && products.has(line.productId)) qualifying += net;
  }
  if (qualifying <= 0 || total <= 0) return 0;
  if (qualifying >= total) return input.eligibleMinor;
  // The eligible amount (after order discounts, taxes out) shared out by the lines' own amounts.
  return Number((BigInt(input.eligibleMinor) * BigInt(qualifying)) / BigInt(total));
}

function bonusPoints(campaign: RunningCampaign, qualifying: number, input: BonusInput): number {
  if (qualifying <= 0) return 0;
  if (campaign.kind === 'fixed') {
    const minimum = campaign.minimumSpend ? toMinorUnits(campaign.minimumSpend, input.currency) : 0;
    return qualifying >= minimum ? (campaign.points ?? 0) : 0;
  }
  const extra = scaled(campaign.multiplier ?? 1) - SCALE;
  if (extra <= 0n) return 0;
  const numerator = BigInt(qualifying) * scaled(input.pointsPerUnit) * scaled(input.tierMultiplier) * extra;
  const denominator = 10n ** BigInt(currencyExponent(input.currency)) * SCALE * SCALE * SCALE;
  return Number(numerator / denominator);
}

/**
 * An order's earn entry, and its campaign bonus as an entry of its own (type `bonus`, the
 * campaign's name as its reason), so the member's activity shows "Double points weekend: +120".
 * Both are dated by the order; the bonus entry's id sorts after the earn entry's, so it is the
 * newer of the two and carries the balance after both.
 */
export function withCampaignEntry(entry: LedgerEntry, bonus: CampaignBonus | undefined, pending: boolean): LedgerEntry[] {
  if (!bonus) return [entry];
  const earn: LedgerEntry = { ...entry, points: entry.points - bonus.points, balanceAfter: pending ? entry.balanceAfter : entry.balanceAfter - bonus.points };
  return [earn, { ...entry, id: `${entry.id}:campaign`, type: 'bonus', points: bonus.points, reason: bonus.name, campaignId: bonus.campaignId }];
}
