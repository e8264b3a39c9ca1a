/**
 * The app's backend as the customer account extension sees it: `/customer/*` of the contract,
 * each call with `Authorization: Bearer <customer account session token>`. Answers get a light
 * check of their shape (the backend is ours, but an old bundle may meet a newer backend); a
 * problem+json answer becomes a `CustomerApiError` carrying the problem's stable kind.
 */

export interface Reward {
  id: string;
  name: string;
  /** The store owner's words for it, in the customer's language where written. */
  description?: string;
  kind: string;
  cost: number;
  value?: number;
  minimumOrder?: number | string;
  validityDays?: number;
}

export interface Program {
  currency: string;
  earning: { pointsPerUnit: number };
  signupBonus: number;
  tiers: { name: string; description?: string; minSpend: string; multiplier: number }[];
  expiry: { days: number };
  rewards: Reward[];
}

export interface NextTier {
  name: string;
  multiplier: number;
  minSpend: string;
  remaining: string;
  currency: string;
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
  nextTier: NextTier | null;
  expiring: { points: number; expiresAt: string }[];
  rewards: (Reward & { affordable: boolean })[];
  /** The customer's referral link, while the shop's referrals are on (docs/referrals.md). */
  referral?: { code: string; url: string };
  /** Points given on the customer's birthday each year (0: none). */
  birthdayPoints?: number;
  /** The birthday given, when its points come, and from when it may change (docs/birthdays-and-guests.md). */
  birthday?: Birthday;
}

export interface Birthday {
  month: number;
  day: number;
  nextRewardOn: string;
  changeableFrom: string;
}

export interface ActivityEntry {
  id: string;
  type: string;
  points: number;
  occurredAt: string;
  balanceAfter: number;
  orderId?: string;
  reason?: string;
}

export interface ActivityPage {
  entries: ActivityEntry[];
  nextCursor: string | null;
}

/** A coupon (`code`, `expiresAt`) or, for `kind: 'store_credit'`, the credit's `value` and `currency`. */
export interface Redemption {
  rewardId: string;
  code?: string;
  kind?: string;
  value?: string;
  currency?: string;
  expiresAt?: string;
  status: string;
  balance: number;
  reward?: { name: string; kind: string; value?: number };
}

export interface OrderPoints {
  orderId: string;
  points: number;
  pending: boolean;
  earnedAt: string | null;
}

/** A failed call: `status` 0 when the network failed; `kind` the problem type's last segment. */
export class CustomerApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'CustomerApiError';
  }

  /** Worth sending again (with the same idempotency key): the answer may never have arrived. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export interface CustomerApiOptions {
  /** The backend's base URL, e.g. `https://abc.execute-api.us-east-1.amazonaws.com`. */
  appUrl: string;
  /** `shopify.sessionToken.get`: a fresh (or cached) token for each call. */
  sessionToken: () => Promise<string>;
  /** The customer's language (`shopify.localization.language`): sent as `Accept-Language`, so names come in it. */
  locale?: string;
  fetch?: typeof fetch;
}

type Check<T> = (body: unknown) => body is T;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';

const isReward = (value: unknown): value is Reward =>
  isObject(value) && isString(value.id) && isString(value.name) && isString(value.kind) && isNumber(value.cost);

export const isMember: Check<Member> = (body): body is Member =>
  isObject(body) &&
  isNumber(body.balance) &&
  isString(body.currency) &&
  isString(body.tier) &&
  (body.nextTier === null || (isObject(body.nextTier) && isString(body.nextTier.name) && isString(body.nextTier.remaining))) &&
  Array.isArray(body.expiring) &&
  body.expiring.every((lot) => isObject(lot) && isNumber(lot.points) && isString(lot.expiresAt)) &&
  Array.isArray(body.rewards) &&
  body.rewards.every((reward) => isReward(reward) && typeof (reward as { affordable?: unknown }).affordable === 'boolean');

export const isProgram: Check<Program> = (body): body is Program =>
  isObject(body) &&
  isString(body.currency) &&
  isObject(body.earning) &&
  isNumber(body.earning.pointsPerUnit) &&
  Array.isArray(body.tiers) &&
  body.tiers.every((tier) => isObject(tier) && isString(tier.name) && isString(tier.minSpend)) &&
  Array.isArray(body.rewards);

const isActivityPage: Check<ActivityPage> = (body): body is ActivityPage =>
  isObject(body) &&
  Array.isArray(body.entries) &&
  body.entries.every((entry) => isObject(entry) && isString(entry.id) && isString(entry.type) && isNumber(entry.points) && isString(entry.occurredAt)) &&
  (body.nextCursor === null || body.nextCursor === undefined || isString(body.nextCursor));

const isRedemption: Check<Redemption> = (body): body is Redemption =>
  isObject(body) && isString(body.rewardId) && isNumber(body.balance) && (isString(body.code) || body.kind === 'store_credit');

const isBirthdayAnswer: Check<{ birthday: Birthday }> = (body): body is { birthday: Birthday } =>
  isObject(body) && isObject(body.birthday) && isNumber(body.birthday.month) && isNumber(body.birthday.day) && isString(body.birthday.nextRewardOn);

const isOrderPoints: Check<OrderPoints> = (body): body is OrderPoints =>
  isObject(body) && isNumber(body.points) && typeof body.pending === 'boolean';

/** The numeric id of an order, from `gid://shopify/Order/123` or `123`. */
export function orderNumericId(orderId: string): string {
  return orderId.slice(orderId.lastIndexOf('/') + 1);
}

export function customerApi(options: CustomerApiOptions) {
  const base = options.appUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(path: string, check: Check<T>, init: RequestInit = {}, allowNotFound = false): Promise<T | null> {
    let response: Response;
    try {
      const token = await options.sessionToken();
      response = await send(`${base}${path}`, {
        ...init,
        headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...(options.locale ? { 'accept-language': options.locale } : {}), ...init.headers },
      });
    } catch (error) {
      throw new CustomerApiError(0, 'network', error instanceof Error ? error.message : String(error));
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (allowNotFound && response.status === 404) return null;
    if (!response.ok) {
      const problem = isObject(body) ? body : {};
      // problem+json `type` is a URL ending in the stable kind, e.g. …/problems/insufficient-points.
      const kind = isString(problem.type) ? (problem.type.split('/').pop() ?? 'unknown') : 'unknown';
      throw new CustomerApiError(response.status, kind, isString(problem.detail) ? problem.detail : response.statusText);
    }
    if (!check(body)) throw new CustomerApiError(response.status, 'unexpected-answer', `${path} answered an unexpected shape`);
    return body;
  }
  const required = async <T>(answer: Promise<T | null>) => (await answer) as T;

  return {
    member: () => required(call('/customer/member', isMember)),
    program: () => required(call('/customer/program', isProgram)),
    activity: (page: { cursor?: string | null; limit?: number } = {}) => {
      const query = new URLSearchParams();
      if (page.limit !== undefined) query.set('limit', String(page.limit));
      if (page.cursor) query.set('cursor', page.cursor);
      const search = query.toString() ? `?${query.toString()}` : '';
      return required(call(`/customer/member/activity${search}`, isActivityPage));
    },
    redeem: (rewardId: string, idempotencyKey: string) =>
      required(
        call('/customer/member/redemptions', isRedemption, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify({ rewardId }),
        }),
      ),
    /** Saves the customer's birthday (month 1-12, day); a second change within a year is refused (409). */
    setBirthday: (month: number, day: number) =>
      required(call('/customer/member/birthday', isBirthdayAnswer, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ month, day }) })),
    /** What an order earned; `null` when it earned nothing the backend knows of (404). */
    orderPoints: (orderId: string) => call(`/customer/orders/${encodeURIComponent(orderNumericId(orderId))}`, isOrderPoints, {}, true),
  };
}

export type CustomerApi = ReturnType<typeof customerApi>;
