/**
 * The storefront API as the widget sees it: `/proxy/*` of the contract, reached through the
 * Shopify App Proxy at the folder the widget itself was loaded from (`/apps/loyalty/`), so the
 * store's own domain, cookies and Shopify's signature do the authentication.
 */
import type { RunningCampaign } from './campaigns.ts';

export interface Reward {
  id: string;
  name: string;
  /** The store owner's words for it, in the customer's language where written. */
  description?: string;
  kind: string;
  cost: number;
  value?: number;
  minimumOrder?: string;
  validityDays: number;
}

export interface Program {
  /** The locale the names are in (the storefront's where the program is translated into it). */
  locale?: string;
  programName?: string;
  currency: string;
  earning: { pointsPerUnit: number };
  signupBonus: number;
  tiers: { name: string; description?: string; minSpend: string; multiplier: number }[];
  expiry: { days: number };
  rewards: Reward[];
  /** The bonus campaigns running now (widget/campaigns.ts). */
  campaigns?: RunningCampaign[];
  /** Birthday points a year (0: none) and the days a guest order's points wait for an account (0: never). */
  birthday?: { points: number };
  guests?: { claimDays: number };
  /** While the shop's referrals are on: the friend's welcome reward. */
  referrals?: { friendReward: { name: string; kind: string; value?: number; minimumOrder?: number } };
}

export interface Member {
  customerId: string;
  enrolled: boolean;
  currency: string;
  balance: number;
  pending: number;
  tier: string;
  tierDescription?: string;
  tierMultiplier: number;
  tierSpend: string;
  nextTier: { name: string; multiplier: number; minSpend: string; remaining: string; currency: string } | null;
  expiring: { points: number; expiresAt: string }[];
  rewards: (Reward & { affordable: boolean })[];
  /** The bonus campaigns running now (widget/campaigns.ts). */
  campaigns?: RunningCampaign[];
  /** The member's own referral link, while the shop's referrals are on. */
  referral?: { code: string; url: string };
  /** Points given on the member's birthday each year (0: the shop gives none). */
  birthdayPoints?: number;
  /** The birthday the member gave, when its points come, and from when it may change. */
  birthday?: Birthday;
}

export interface Birthday {
  month: number;
  day: number;
  nextRewardOn: string;
  changeableFrom: string;
}

export type ActivityType = 'earn' | 'reverse' | 'bonus' | 'adjust' | 'redeem' | 'expire' | 'rerate';

export interface ActivityEntry {
  id: string;
  type: ActivityType;
  points: number;
  occurredAt: string;
  balanceAfter: number;
  reason?: string;
  couponCode?: string;
}

/** A coupon (`code`, `expiresAt`) or, for `kind: 'store_credit'`, the credit's `value` and `currency`. */
export interface Redemption {
  code?: string;
  rewardId: string;
  kind?: string;
  value?: string;
  currency?: string;
  expiresAt?: string;
  status: string;
  balance: number;
}

/** A failed call: `status` 0 when the network failed, `type` the problem's stable kind. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** Worth trying again with the same idempotency key: the answer may never have arrived. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

/** `locale`: the storefront's, sent as `?locale=` so names and descriptions come in its language. */
export function storefrontApi(base: URL, locale?: string) {
  const inLocale = (path: string) => (locale ? `${path}?locale=${encodeURIComponent(locale)}` : path);
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, base), { ...init, credentials: 'same-origin', headers: { accept: 'application/json', ...init.headers } });
    } catch (error) {
      throw new ApiError(0, 'network', String(error));
    }
    const body = (await response.json().catch(() => undefined)) as { type?: string; detail?: string } | undefined;
    if (!response.ok) {
      // problem+json `type` is a URL ending in the stable kind, e.g. …/problems/not-a-member.
      throw new ApiError(response.status, body?.type?.split('/').pop() ?? 'unknown', body?.detail ?? response.statusText);
    }
    return body as T;
  }
  const post = <T>(path: string, body: unknown, headers: Record<string, string> = {}) =>
    call<T>(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  return {
    program: () => call<Program>(inLocale('program')),
    member: () => call<Member>(inLocale('member')),
    activity: () => call<{ entries: ActivityEntry[] }>('member/activity?limit=5'),
    redeem: (rewardId: string, idempotencyKey: string) => post<Redemption>('member/redemptions', { rewardId }, { 'idempotency-key': idempotencyKey }),
    claimReferral: (code: string, email: string) => post<{ code: string; expiresAt?: string; status: string }>('referrals', { code, email }),
    setBirthday: (month: number, day: number) => call<{ birthday: Birthday; points: number }>('member/birthday', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ month, day }) }),
    feedback: (score: number, comment: string) => post<{ score: number }>('member/feedback', comment ? { score, comment } : { score }),
  };
}

export type StorefrontApi = ReturnType<typeof storefrontApi>;
