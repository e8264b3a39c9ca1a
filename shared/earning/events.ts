/**
 * The business events the earning engine understands, as plain values. The Shopify layer turns
 * webhook payloads into these; the core never sees a payload.
 */
import type { Contact } from '../ledger/types.ts';

export interface OrderPaid {
  kind: 'order-paid';
  orderId: string;
  /** Absent for a guest checkout, which earns nothing. */
  customerId?: string;
  customer?: CustomerDetails;
  /** A guest checkout's email (`email`, else `contact_email`): its points wait for an account with it. */
  guestEmail?: string;
  /** `processed_at`, else `created_at`. */
  at: string;
  /** The shop's currency, which every amount here is in (Shopify's `shop_money`). */
  currency: string;
  subtotalMinor: number;
  /** Gift cards bought on the order (their lines after discounts): they earn nothing. */
  giftCardMinor: number;
  taxesIncluded: boolean;
  /** Tax included in the subtotal's lines other than gift cards (zero where prices exclude tax). */
  includedTaxMinor: number;
  discountCodes: string[];
  /** The order's lines other than gift cards (product and net amount), for product campaigns (docs/campaigns.md). */
  lines?: OrderLine[];
  /**
   * Where the order came from, for the referral fraud rules (docs/referrals.md): the order's
   * e-mail, browser IP, shipping address (one line) and the name on it.
   */
  origin?: { email?: string; browserIp?: string; shippingAddress?: string; name?: string };
  /** What each code took off the order (`discount_codes[].amount`, shop currency), in minor units, where Shopify says. */
  discountAmounts?: Record<string, number>;
  /**
   * An order from before the app was installed, read by the history import: it counts toward
   * tiers, orders and spend, and earns points only when the program's `history` says so.
   */
  imported?: true;
}

/** One order line, gift cards left out: its product and price × quantity − its discounts, in shop money minor units. */
export interface OrderLine {
  productId?: string;
  netMinor: number;
}

export interface OrderCancelled {
  kind: 'order-cancelled';
  orderId: string;
  customerId?: string;
  at: string;
}

/** A refund's lines, gift cards left out, as Shopify wrote the amounts. */
export interface RefundLine {
  subtotal: string | number;
  tax: string | number;
}

export interface RefundCreated {
  kind: 'refund-created';
  refundId: string;
  orderId: string;
  at: string;
  /**
   * The shop currency the lines name in their `subtotal_set`. Absent when they carry only plain
   * amounts (those are in the shop's currency too): the order's or the shop's currency is used.
   */
  currency?: string;
  lines: RefundLine[];
}

export interface CustomerDetails {
  customerId: string;
  createdAt: string;
  contact: Contact;
}

export interface CustomerCreated extends CustomerDetails {
  kind: 'customer-created';
  /** Shopify's `verified_email`: only a verified email claims guest orders. */
  verifiedEmail?: boolean;
}

export interface CustomerUpdated extends CustomerDetails {
  kind: 'customer-updated';
}

export type LoyaltyEvent = OrderPaid | OrderCancelled | RefundCreated | CustomerCreated | CustomerUpdated | PrivacyEvent;

/** Shopify's mandatory privacy webhooks, and the uninstall. */
export type PrivacyEvent =
  | { kind: 'app-uninstalled' }
  | { kind: 'customer-redact'; customerId: string; /** The customer's e-mail, when Shopify names it: what a referral's friend is known by. */ email?: string; orderIds: string[] }
  | { kind: 'shop-redact' }
  | { kind: 'customer-data-request'; customerId: string; orderIds: string[]; requestId: string };

/** The events that move points: everything but the privacy webhooks. */
export type EarningEvent = Exclude<LoyaltyEvent, PrivacyEvent>;

export const isPrivacyEvent = (event: LoyaltyEvent): event is PrivacyEvent =>
  event.kind === 'app-uninstalled' || event.kind === 'customer-redact' || event.kind === 'shop-redact' || event.kind === 'customer-data-request';
