/**
 * What the Rewards page shows, from the backend's answers: plain data and finished texts, so the
 * components only lay them out. Pure: the clock and the locale come in as arguments.
 */
import type { ActivityEntry, Member, Program, Redemption, Reward } from './api.ts';
import { CustomerApiError } from './api.ts';
import type { LocaleFormat } from './locale-format.ts';
import type { Messages } from './messages.ts';

/** Lots expiring within this many days are "expiring soon" (the first reminder goes out at 30). */
export const EXPIRING_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TierProgress {
  /** From 0 to 1: the share of the way from the current tier's threshold to the next one's. */
  fraction: number;
  label: string;
  accessibilityLabel: string;
}

export interface RewardOffer {
  id: string;
  name: string;
  description: string;
  /** The store owner's own description of it, if any. */
  details: string | null;
  cost: string;
  minimumOrder: string | null;
  affordable: boolean;
  buttonLabel: string;
  accessibilityLabel: string;
  /** Why the button is disabled: the points still missing. */
  shortfall: string | null;
}

export interface RewardsView {
  balance: string;
  pending: string | null;
  tier: string;
  /** The store owner's description of the member's tier, if any. */
  tierDescription: string | null;
  multiplier: string | null;
  progress: TierProgress | null;
  topTier: string | null;
  earning: string | null;
  expiringSoon: { key: string; text: string }[];
  rewards: RewardOffer[];
}

export interface ViewContext {
  format: LocaleFormat;
  messages: Messages;
}

function decimal(text: string | number | undefined): number {
  const value = typeof text === 'number' ? text : Number(text);
  return Number.isFinite(value) ? value : 0;
}

/** How far the member is from the current tier's threshold to the next (0 to 1). */
export function tierProgressFraction(member: Member, program: Program | undefined): number | null {
  if (!member.nextTier) return null;
  const spend = decimal(member.tierSpend);
  const next = decimal(member.nextTier.minSpend);
  const current = decimal(program?.tiers.find((tier) => tier.name === member.tier)?.minSpend);
  const span = next - current;
  if (span <= 0) return spend >= next ? 1 : 0;
  return Math.min(1, Math.max(0, (spend - current) / span));
}

/** Lots that still hold points and expire within `EXPIRING_SOON_DAYS` of `now`, soonest first. */
export function expiringSoon(member: Member, now: Date): { points: number; expiresAt: string }[] {
  const from = now.getTime();
  const until = from + EXPIRING_SOON_DAYS * DAY_MS;
  return member.expiring
    .filter((lot) => {
      const at = Date.parse(lot.expiresAt);
      return lot.points > 0 && at > from && at <= until;
    })
    .sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
}

/** What a reward gives, in words: "€5.00 off your order", "10% off your order", "Free shipping". */
export function rewardDescription(reward: Reward, currency: string, { format, messages }: ViewContext): string {
  switch (reward.kind) {
    case 'fixed_amount':
      return reward.value === undefined ? reward.name : messages.fixedAmountOff(format.money(reward.value, currency));
    case 'percentage':
      return reward.value === undefined ? reward.name : messages.percentageOff(format.percent(reward.value));
    case 'free_shipping':
      return messages.freeShipping;
    case 'store_credit':
      return reward.value === undefined ? reward.name : messages.storeCredit(format.money(reward.value, currency));
    default:
      return reward.name;
  }
}

function rewardOffer(reward: Member['rewards'][number], member: Member, context: ViewContext): RewardOffer {
  const { format, messages } = context;
  // The backend decides affordability; the shortfall is only shown beside a disabled button.
  const missing = Math.max(0, reward.cost - member.balance);
  return {
    id: reward.id,
    name: reward.name,
    description: rewardDescription(reward, member.currency, context),
    details: reward.description ?? null,
    cost: messages.rewardCost(format.points(reward.cost, messages.points)),
    minimumOrder: reward.minimumOrder !== undefined && decimal(reward.minimumOrder) > 0 ? messages.minimumOrder(format.money(reward.minimumOrder, member.currency)) : null,
    affordable: reward.affordable,
    buttonLabel: messages.redeem,
    accessibilityLabel: messages.redeemLabel(reward.name),
    shortfall: reward.affordable ? null : messages.needMore(format.points(missing, messages.points)),
  };
}

export function rewardsView(member: Member, program: Program | undefined, now: Date, context: ViewContext): RewardsView {
  const { format, messages } = context;
  const fraction = tierProgressFraction(member, program);
  const next = member.nextTier;
  return {
    balance: format.points(member.balance, messages.points),
    pending: member.pending > 0 ? messages.pending(format.points(member.pending, messages.points)) : null,
    tier: messages.tier(member.tier),
    tierDescription: member.tierDescription ?? null,
    multiplier: member.tierMultiplier > 1 ? messages.multiplier(format.number(member.tierMultiplier)) : null,
    progress:
      next && fraction !== null
        ? {
            fraction,
            label: messages.toNextTier(format.money(next.remaining, next.currency), next.name),
            accessibilityLabel: messages.progressLabel(next.name),
          }
        : null,
    topTier: next ? null : messages.topTier,
    earning: program ? earningRate(program, context) : null,
    expiringSoon: expiringSoon(member, now).map((lot, index) => ({
      key: `${lot.expiresAt}-${index}`,
      text: messages.expiresOn(format.points(lot.points, messages.points), format.date(lot.expiresAt)),
    })),
    rewards: member.rewards.map((reward) => rewardOffer(reward, member, context)),
  };
}

/** "Earn 1 point for every ¥100" where a point takes more than one unit, not "0.01 points for every ¥1". */
function earningRate(program: Program, { format, messages }: ViewContext): string {
  const rate = program.earning.pointsPerUnit;
  if (rate >= 1) return messages.howEarn(format.points(rate, messages.points), format.money(1, program.currency));
  return messages.howEarn(format.points(1, messages.points), format.money(Math.round((1 / rate) * 100) / 100, program.currency));
}

export interface ActivityRow {
  id: string;
  label: string;
  /** Signed: "+120 points", "−500 points". */
  points: string;
  date: string;
  balanceAfter: string;
}

export function activityRow(entry: ActivityEntry, { format, messages }: ViewContext): ActivityRow {
  const sign = entry.points > 0 ? '+' : entry.points < 0 ? '−' : '';
  return {
    id: entry.id,
    label: messages.types[entry.type] ?? entry.type,
    points: `${sign}${format.points(Math.abs(entry.points), messages.points)}`,
    date: format.date(entry.occurredAt),
    balanceAfter: format.points(entry.balanceAfter, messages.points),
  };
}

export interface RedemptionNotice {
  tone: 'success' | 'info';
  heading: string;
  /** The discount code to show and copy, for a code reward. */
  code: string | null;
  lines: string[];
}

/** What the customer is told after a redemption: the code, or the store credit added. */
export function redemptionNotice(redemption: Redemption, { format, messages }: ViewContext): RedemptionNotice {
  const balance = messages.newBalance(format.points(redemption.balance, messages.points));
  if (redemption.kind === 'store_credit') {
    const amount = format.money(redemption.value ?? '0', redemption.currency ?? '');
    return redemption.status === 'issued'
      ? { tone: 'success', heading: messages.creditAdded(amount), code: null, lines: [balance] }
      : { tone: 'info', heading: messages.creditPending(amount), code: null, lines: [balance] };
  }
  const lines = [
    ...(redemption.expiresAt ? [messages.useBy(format.date(redemption.expiresAt))] : []),
    ...(redemption.status === 'pending' ? [messages.codePending] : []),
    balance,
  ];
  return { tone: 'success', heading: messages.yourCode, code: redemption.code ?? null, lines };
}

/** The sentence for a failed redemption, from the problem's kind. */
export function redemptionFailure(error: unknown, messages: Messages): string {
  if (error instanceof CustomerApiError) {
    if (error.kind === 'insufficient-points') return messages.notEnough;
    if (error.kind === 'rate-limited') return messages.tooMany;
  }
  return messages.redeemFailed;
}
