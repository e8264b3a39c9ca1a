/** The plain types of the ledger. Stored records carry `rev`, the optimistic lock of the item. */
import type { SpendByOrder } from './spend.ts';

export interface Contact {
  email?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  /** Shopify's email marketing consent state: `subscribed`, `not_subscribed`, `unsubscribed`, … */
  emailMarketing?: string;
  /** When the customer's consent last changed in Shopify (`consent_updated_at`), if Shopify says. */
  emailMarketingUpdatedAt?: string;
  /** The customer's `updated_at` the contact data was taken from; older updates are ignored. */
  updatedAt?: string;
}

/** A member's place in the customer lifecycle, from their own purchase rhythm (docs/lifecycle.md). */
export type LifecycleStage = 'new' | 'regular' | 'loyal' | 'fading' | 'lost';

export interface Member {
  shop: string;
  customerId: string;
  enrolledAt: string;
  /**
   * Spendable points: the lots' points less `consumed`. Negative when a refund reversed points
   * that were already spent.
   */
  balance: number;
  /**
   * Points taken out of the lots by redemptions and expiry. They are taken from the lots in
   * expiry order (oldest first), so what is left in each lot follows from this one number and no
   * redemption has to touch the lots themselves.
   */
  consumed: number;
  /** Points earned but not yet spendable (the program's return window). */
  pending: number;
  lifetimeEarned: number;
  /**
   * Tier spend per paid, uncancelled order (its instant, net eligible spend, the multiplier it was
   * rated with), kept for two tier windows: see `ledger/spend.ts`.
   */
  spendByOrder: SpendByOrder;
  /** The tier as of `tierAsOf`, the latest business instant the member's spend was counted at. */
  tier: string;
  tierAsOf: string;
  signupBonusAt?: string;
  /** Tiers whose reward coupon the member was granted (once each). */
  tierRewards?: string[];
  /** Paid orders not cancelled: how many, the first and the last, for the member's usual interval. */
  orderCount?: number;
  firstOrderAt?: string;
  lastOrderAt?: string;
  /** The member's latest activity (an order paid, cancelled later or not; a redemption): for active-member figures. */
  lastActiveAt?: string;
  /** When the member counts as fading: the last order plus the usual interval times the factor. */
  lapseAt?: string;
  /**
   * When the customer unsubscribed through the link in our mail. It holds until Shopify's own
   * consent changes after it (a customer who subscribes again in the store), whatever other
   * customer updates arrive meanwhile.
   */
  unsubscribedAt?: string;
  /** Set by the win-back job, once per lapse (that is, per last order). */
  fading?: { flaggedAt: string; lastOrderAt: string };
  /** The member's lifecycle stage (`lifecycle/stage.ts`); absent until their first order. */
  stage?: LifecycleStage;
  /** When the member entered that stage (the business instant: an order's, or the threshold passed). */
  stageSince?: string;
  /** When the stage moves next with time alone (fading, lost): the `lifecycle` job's due date. */
  stageDueAt?: string;
  /** The store owner's last win-back reward to this member (once per last order: docs/lifecycle.md). */
  winbackReward?: { code: string; at: string; lastOrderAt: string };
  /** The member's first redemption of points for a reward: from then on they count as using the program (`kpis/roi-figures.ts`). */
  firstRedeemedAt?: string;
  contact: Contact;
  /** The birthday the customer gave, and when its points come next (see `birthdays/birthday.ts`). */
  birthday?: MemberBirthday;
  /** 0 for a member not stored yet. */
  rev: number;
}

/** A member's birthday: month and day only (no year), in UTC days. */
export interface MemberBirthday {
  month: number;
  day: number;
  /** When the customer last set or changed it: a change waits a year from then. */
  setAt: string;
  /** The UTC midnight its next points are granted at. */
  nextRewardAt: string;
  /** The last year birthday points were granted: never twice in one year. */
  lastRewardYear?: number;
}

/**
 * A guest order's points, waiting for a customer account with the same verified email until
 * `claimUntil`. The order item keeps its facts (refunds, cancellation): what is granted at the
 * claim is settled from them, not from `points`.
 */
export interface GuestClaim {
  shop: string;
  /** SHA-256 (hex) of the order's email, trimmed and lower-cased: the email itself is not kept. */
  emailHash: string;
  orderId: string;
  /** The order's date. */
  at: string;
  currency: string;
  /** Points as the order earned them at the base tier. */
  points: number;
  claimUntil: string;
}

export type LotSource = 'order' | 'bonus' | 'adjust' | 'birthday' | 'referral' | 'import';

/** Points earned together, spent oldest first and expiring together. */
export interface Lot {
  id: string;
  source: LotSource;
  orderId?: string;
  earnedAt: string;
  expiresAt: string;
  /** The points this lot brought, less what reversals took back. */
  points: number;
  /** Until then the points are pending (the program's return window), not yet spendable. */
  pendingUntil?: string;
  /** When the expiry job settled it (its remainder expired); it no longer counts. */
  settledAt?: string;
  /** Points that expired from it at settlement (a later reversal takes these back first). */
  expired?: number;
}

/** `rerate`: an order's points changed because a late, earlier order (or its refund) changed its tier. */
export type LedgerEntryType = 'earn' | 'reverse' | 'bonus' | 'adjust' | 'redeem' | 'expire' | 'rerate';

export interface LedgerEntry {
  /** Deterministic from the business event, so a replay cannot add a second entry. */
  id: string;
  type: LedgerEntryType;
  /** Signed: earnings positive, reversals, redemptions and expiry negative. */
  points: number;
  /** The business date: the order's `processed_at`, the refund's, the customer's `created_at`. */
  occurredAt: string;
  recordedAt: string;
  balanceAfter: number;
  orderId?: string;
  refundId?: string;
  reason?: string;
  couponCode?: string;
  /** Earned points that stay pending until then (the program's return window). */
  pendingUntil?: string;
  /** The staff member who made a manual adjustment. */
  adjustedBy?: string;
  /** The bonus campaign an order's `bonus` entry came from (its name is the `reason`). */
  campaignId?: string;
}

export interface OrderPayment {
  at: string;
  currency: string;
  /** Subtotal after discounts, without shipping, in shop money minor units. */
  subtotalMinor: number;
  /** Gift cards bought on the order, after their discounts: part of the subtotal that earns nothing. */
  giftCardMinor?: number;
  /** Whether the order's prices include tax: then tax is taken out of subtotals and refunds. */
  taxesIncluded: boolean;
  /** Tax included in the subtotal (zero where prices exclude tax). */
  includedTaxMinor: number;
  eligibleMinor: number;
  points: number;
  /** The program's earning rate when the order earned: a re-rating keeps it. */
  pointsPerUnit?: number;
  /** The tier and multiplier of the spend before the order's instant (re-rated when that changes). */
  tier: string;
  multiplier: number;
  discountCodes: string[];
  /** The bonus campaign the order earned by: its points are part of `points` (refunds reverse them in proportion). */
  campaign?: { id: string; name: string; points: number };
  /** What our own coupon codes took off the order (Shopify's `discount_codes[].amount`), in minor units: a reward's cost. */
  loyaltyDiscountMinor?: number;
  /** Imported history (from before the app was installed): its points are 0 unless the program let it earn. */
  imported?: true;
}

export interface OrderRefund {
  at: string;
  /** Refunded line subtotals (gift cards left out), without shipping, in minor units. */
  subtotalMinor?: number;
  /** Tax on the refunded lines: taken out where the order's prices include tax. */
  taxMinor?: number;
  /**
   * The lines as Shopify wrote them, kept instead of the minor units when the refund arrived before
   * anything named its currency; read in the order's currency once it is paid.
   */
  lines?: { subtotal: string | number; tax: string | number }[];
}

export interface Order {
  shop: string;
  orderId: string;
  customerId?: string;
  paid?: OrderPayment;
  cancelledAt?: string;
  refunds: Record<string, OrderRefund>;
  /** Points of this order reversed so far by refunds and cancellation. */
  reversedPoints: number;
  /** What this order adds to the member's tier spend now, in minor units. */
  spendCounted: number;
  rev: number;
}
