/**
 * The referral fraud rules, pure. A referral is blocked (for the store owner to approve or cancel)
 * when the friend looks like the advocate or like a customer who had ordered already, or when one
 * advocate's referrals keep coming from one address or browser IP. At least as strict as Smile's
 * rules (similar e-mail addresses, the advocate's own order, the same name, not a first order,
 * many referrals from one IP in a week); see docs/referrals.md.
 */
import { createHash } from 'node:crypto';

export type FraudReason =
  /** The friend is the advocate's own customer account. */
  | 'same-customer'
  /** The friend's e-mail is the advocate's (ignoring case, dots and +tags in the local part). */
  | 'same-email'
  /** The friend's e-mail is one small edit from the advocate's, or the same name at another provider. */
  | 'similar-email'
  /** The order's name (shipping or customer) is the advocate's. */
  | 'same-name'
  /** The friend had ordered before this order: not a new customer. */
  | 'existing-customer'
  /** Too many of the advocate's referrals in a week came from one browser IP. */
  | 'repeated-ip'
  /** Too many of the advocate's referrals in a week shipped to one address. */
  | 'repeated-address';

/** The window in which referrals sharing an origin are counted. */
export const SAME_ORIGIN_WINDOW_DAYS = 7;

/** Providers that ignore dots in the local part, or go by two names. */
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };

/**
 * An address as a person behind it is the same one: lower case, the `+tag` dropped, dots in the
 * local part dropped (Gmail ignores them; elsewhere they seldom tell two people apart).
 */
export function canonicalEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 1) return lower;
  const local = lower.slice(0, at).split('+')[0]!.replaceAll('.', '');
  const domain = lower.slice(at + 1);
  return `${local}@${DOMAIN_ALIASES[domain] ?? domain}`;
}

/** Levenshtein distance, stopping early once it passes `limit`. */
export function editDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      best = Math.min(best, current[j]!);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * How two e-mail addresses compare: `same-email` when they are one mailbox (case, dots, +tags),
 * `similar-email` when one person plausibly holds both (one character apart, the same name with
 * digits added, or the same name of 4 or more characters at another provider), else undefined.
 */
export function emailLikeness(a: string | undefined, b: string | undefined): 'same-email' | 'similar-email' | undefined {
  if (!a || !b) return undefined;
  const [left, right] = [canonicalEmail(a), canonicalEmail(b)];
  if (left === right) return 'same-email';
  const [leftLocal = '', leftDomain = ''] = left.split('@');
  const [rightLocal = '', rightDomain = ''] = right.split('@');
  if (leftDomain === rightDomain && Math.min(leftLocal.length, rightLocal.length) >= 3 && editDistance(leftLocal, rightLocal, 1) <= 1) return 'similar-email';
  const bare = (local: string) => local.replace(/\d+$/, '');
  if (bare(leftLocal).length >= 4 && bare(leftLocal) === bare(rightLocal)) return 'similar-email';
  return undefined;
}

/** A person's name as compared: letters only, lower case, words sorted. */
export function canonicalName(name: string | undefined): string | undefined {
  const words = (name ?? '').toLowerCase().normalize('NFKD').replace(/[^\p{L}\s]/gu, ' ').split(/\s+/).filter(Boolean);
  return words.length >= 2 ? words.sort().join(' ') : undefined;
}

/**
 * A browser IP or a shipping address as the fraud rules keep it: a short hash of its normalised
 * text, so the referral records hold no address and two spellings of one address match.
 */
export function originKey(text: string | undefined): string | undefined {
  const normalised = (text ?? '').toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return normalised ? createHash('sha256').update(normalised).digest('hex').slice(0, 20) : undefined;
}

/** Who the advocate is, as the fraud rules compare. */
export interface AdvocateFacts {
  customerId: string;
  email?: string;
  name?: string;
}

/** What is known of the friend and the friend's order. */
export interface FriendFacts {
  customerId?: string;
  /** The e-mail the friend claimed with, and the order's. */
  emails: (string | undefined)[];
  name?: string;
  /** Paid orders the friend had before this one (0 for a new customer). */
  priorOrders?: number;
  ipKey?: string;
  addressKey?: string;
  at?: string;
}

/** Another referral of the same advocate with an order: when, from where. */
export interface OriginFacts {
  at: string;
  ipKey?: string;
  addressKey?: string;
}

/** The rules that need no other referral: the friend is the advocate, or not new. */
export function identityReasons(advocate: AdvocateFacts, friend: FriendFacts): FraudReason[] {
  const reasons = new Set<FraudReason>();
  if (friend.customerId && friend.customerId === advocate.customerId) reasons.add('same-customer');
  for (const email of friend.emails) {
    const likeness = emailLikeness(advocate.email, email);
    if (likeness) reasons.add(likeness);
  }
  if (reasons.has('same-email')) reasons.delete('similar-email');
  const advocateName = canonicalName(advocate.name);
  if (advocateName && advocateName === canonicalName(friend.name)) reasons.add('same-name');
  if ((friend.priorOrders ?? 0) > 0) reasons.add('existing-customer');
  return [...reasons];
}

/**
 * Every rule: the friend's own, and the origin rule: with `others` (the advocate's other referrals
 * that have an order), `limit` or more within `SAME_ORIGIN_WINDOW_DAYS` of this order sharing its
 * browser IP (or its shipping address), this one included, block it.
 */
export function fraudReasons(advocate: AdvocateFacts, friend: FriendFacts, others: OriginFacts[], limit: number): FraudReason[] {
  const reasons = identityReasons(advocate, friend);
  if (!friend.at) return reasons;
  const at = Date.parse(friend.at);
  const window = SAME_ORIGIN_WINDOW_DAYS * 86_400_000;
  const near = others.filter((other) => Math.abs(Date.parse(other.at) - at) <= window);
  if (friend.ipKey && 1 + near.filter((other) => other.ipKey === friend.ipKey).length >= limit) reasons.push('repeated-ip');
  if (friend.addressKey && 1 + near.filter((other) => other.addressKey === friend.addressKey).length >= limit) reasons.push('repeated-address');
  return reasons;
}
