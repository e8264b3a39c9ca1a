/**
 * The member files the import reads, recognised by their header row: a Smile.io customer export
 * (or Smile's own `email,points` import template), a LoyaltyLion customer export, and this app's
 * own export (`GET /admin/members.csv`). Headers are compared loosely: case, spaces, hyphens and
 * dots do not matter ("Points balance" is `points_balance`).
 */

/** Where the points came from: names the import's lot (`import:{source}`), one per member and source. */
export type ImportSource = 'smile' | 'loyaltylion' | 'loyalty';

export const SOURCE_NAMES: Record<ImportSource, string> = {
  smile: 'Smile.io',
  loyaltylion: 'LoyaltyLion',
  loyalty: 'this app',
};

/** Which column holds what, in one shape: the first header present of each list is used. */
export interface FileShape {
  source: ImportSource;
  customerId: string[];
  email: string[];
  points: string[];
  firstName: string[];
  lastName: string[];
  /** The app's own export names the shop it came from. */
  shop?: string[];
  /** Columns the shape has that the import reads no further (tiers, birthdays, referral links…). */
  known: string[];
}

const NAMES = { firstName: ['first_name', 'firstname', 'first'], lastName: ['last_name', 'lastname', 'last'] };
const EMAIL = ['email', 'email_address', 'customer_email'];

/** The app's own export columns, in order (`members-csv.ts` writes them). */
export const OWN_EXPORT_COLUMNS = [
  'customer_id',
  'email',
  'first_name',
  'last_name',
  'balance',
  'pending',
  'tier',
  'lifetime_earned',
  'order_count',
  'last_order_at',
  'enrolled_at',
  'stage',
  'shop',
] as const;

const SHAPES: { shape: FileShape; recognise: (headers: Set<string>) => boolean }[] = [
  {
    shape: {
      source: 'loyalty',
      customerId: ['customer_id'],
      email: EMAIL,
      points: ['balance'],
      ...NAMES,
      shop: ['shop'],
      known: [...OWN_EXPORT_COLUMNS],
    },
    recognise: (h) => h.has('customer_id') && h.has('balance') && h.has('lifetime_earned'),
  },
  {
    shape: {
      source: 'loyaltylion',
      customerId: ['merchant_id', 'shopify_customer_id', 'customer_id'],
      email: EMAIL,
      points: ['points_approved'],
      ...NAMES,
      known: ['id', 'loyaltylion_id', 'points_pending', 'points_spent', 'points_expired', 'lifetime_points', 'tier', 'enrolled_at', 'enrolled', 'status', 'birthday', 'date_of_birth', 'referral_url', 'referral_link', 'total_revenue', 'total_orders', 'name'],
    },
    recognise: (h) => h.has('points_approved'),
  },
  {
    shape: {
      source: 'smile',
      customerId: ['shopify_customer_id', 'external_id', 'customer_id'],
      email: EMAIL,
      points: ['points_balance', 'points'],
      ...NAMES,
      known: ['id', 'smile_id', 'vip_tier', 'vip_tier_name', 'date_of_birth', 'birthday', 'referral_url', 'referral_link', 'membership_status', 'state', 'created_at', 'updated_at', 'points_earned', 'points_spent', 'name'],
    },
    recognise: (h) => h.has('points_balance') || (h.has('points') && (EMAIL.some((name) => h.has(name)) || h.has('shopify_customer_id') || h.has('external_id'))),
  },
];

/** A header as the shapes name it: `"Points Balance "` → `points_balance`. */
export function normalHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s.\-]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The shape the header row names, or none. */
export function detectShape(headers: string[]): FileShape | undefined {
  const names = new Set(headers.map(normalHeader));
  return SHAPES.find((candidate) => candidate.recognise(names))?.shape;
}

/** The index of the first column of `names` the header row has, or -1. */
export function columnOf(headers: string[], names: string[]): number {
  const normal = headers.map(normalHeader);
  for (const name of names) {
    const index = normal.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

/** Columns the import does not know in this shape: named in the answer, never an error. */
export function ignoredColumns(headers: string[], shape: FileShape): string[] {
  const used = new Set([...shape.customerId, ...shape.email, ...shape.points, ...shape.firstName, ...shape.lastName, ...(shape.shop ?? []), ...shape.known]);
  return headers.filter((header) => header.trim() !== '' && !used.has(normalHeader(header)));
}

/** A value as the export wrote it, back: the `'` it puts before formula-like text (`=`, `+`, `-`, `@`) taken off. */
export function unsafeText(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
