/**
 * What a member's customer metafields hold, from the member's present state: the values a theme
 * (Liquid), POS, customer segments and Flow conditions read, in the app-reserved namespace
 * `$app` (`app--{app id}` in Liquid), declared in `shopify.app.toml`. Pure: the same member, lots, shop and instant give the same values, so a
 * repeated or late sync writes the present and never the past.
 */
import { FALLBACK_CURRENCY } from '../earning/shops.ts';
import { settleExpired } from '../ledger/expiry.ts';
import { lotStandings } from '../ledger/lots.ts';
import { latest, spendUpTo } from '../ledger/spend.ts';
import type { Lot, Member } from '../ledger/types.ts';
import { nextTierAfter, tierForSpend } from '../program/tiers.ts';
import type { Shop } from '../store/records.ts';

/** Shopify's metafield types used here. */
export type MetafieldType = 'number_integer' | 'single_line_text_field' | 'json';

/** One value for `metafieldsSet`, less its owner: the value is always a string, as Shopify wants it. */
export interface MetafieldValue {
  key: string;
  type: MetafieldType;
  value: string;
}

/** The keys of a member's metafields, in the order they are written. */
export const MEMBER_METAFIELD_KEYS = ['points_balance', 'tier', 'next_tier', 'points_expiring'] as const;

/** The shop's metafield holding the public program (as `GET /proxy/program` answers it). */
export const PROGRAM_METAFIELD_KEY = 'program';

/** `next_tier`: the next tier and the spend that remains to reach it; `name` null at the top tier. */
export interface NextTierValue {
  name: string | null;
  /** Spend still needed, in the shop's currency as a decimal string (`"380.00"`); null at the top. */
  remaining: string | null;
  minSpend: string | null;
  currency: string;
}

/**
 * `points_expiring`: the soonest date on which spendable points expire and how many expire that
 * day (`points` 0 and dates null when none do). `date` is the UTC day, for Liquid's `date` filter.
 */
export interface PointsExpiringValue {
  points: number;
  date: string | null;
  expiresAt: string | null;
}

/** The customer's GraphQL id, the owner of their metafields. */
export const customerGid = (customerId: string) => `gid://shopify/Customer/${customerId}`;

/** The member's metafield values as of `now`; what `GET /proxy/member` shows, in metafield form. */
export function memberMetafields(shop: Shop, member: Member, lots: readonly Lot[], now: Date): MetafieldValue[] {
  const { program } = shop;
  const currency = shop.currency ?? FALLBACK_CURRENCY;
  const spend = spendUpTo(member.spendByOrder, latest(member.tierAsOf, now.toISOString()));
  const tier = tierForSpend(program, spend, currency);
  // Points past their date are not spendable, even before the expire job settles them.
  const balance = settleExpired(member, [...lots], now)?.member?.balance ?? member.balance;
  const next = nextTierAfter(program, spend, currency);
  const nextTier: NextTierValue = next
    ? { name: next.name, remaining: next.remaining, minSpend: next.minSpend, currency }
    : { name: null, remaining: null, minSpend: null, currency };
  return [
    { key: 'points_balance', type: 'number_integer', value: String(balance) },
    { key: 'tier', type: 'single_line_text_field', value: tier.name },
    { key: 'next_tier', type: 'json', value: JSON.stringify(nextTier) },
    { key: 'points_expiring', type: 'json', value: JSON.stringify(pointsExpiring(lots, member.consumed, now)) },
  ];
}

/** The soonest day spendable points expire, and the points that expire on that day. */
export function pointsExpiring(lots: readonly Lot[], consumed: number, now: Date): PointsExpiringValue {
  const standing = lotStandings(lots, consumed).filter(({ lot, remaining }) => remaining > 0 && lot.expiresAt > now.toISOString());
  const first = standing[0];
  if (!first) return { points: 0, date: null, expiresAt: null };
  const date = first.lot.expiresAt.slice(0, 10);
  const sameDay = standing.filter(({ lot }) => lot.expiresAt.slice(0, 10) === date);
  return { points: sameDay.reduce((sum, { remaining }) => sum + remaining, 0), date, expiresAt: first.lot.expiresAt };
}

/**
 * A short fingerprint of the values: a sync whose values equal the last ones written is skipped.
 * FNV-1a over the keys and values; collisions would only skip a write, and 64 bits make that moot.
 */
export function metafieldsFingerprint(values: readonly MetafieldValue[]): string {
  let hash = 0xcbf29ce484222325n;
  for (const { key, value } of values) {
    for (const char of `${key}=${value};`) hash = BigInt.asUintN(64, (hash ^ BigInt(char.codePointAt(0)!)) * 0x100000001b3n);
  }
  return hash.toString(16);
}
