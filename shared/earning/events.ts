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
  /** `processed_at`, else `created_at`. */
  at: string;
  currency: string;
  subtotalMinor: number;
  taxesIncluded: boolean;
  includedTaxMinor: number;
  discountCodes: string[];
}

export interface OrderCancelled {
  kind: 'order-cancelled';
  orderId: string;
  customerId?: string;
  at: string;
}

export interface RefundCreated {
  kind: 'refund-created';
  refundId: string;
  orderId: string;
  at: string;
  subtotalMinor: number;
  taxMinor: number;
}

export interface CustomerDetails {
  customerId: string;
  createdAt: string;
  contact: Contact;
}

export interface CustomerCreated extends CustomerDetails {
  kind: 'customer-created';
}

export interface CustomerUpdated extends CustomerDetails {
  kind: 'customer-updated';
}

export type LoyaltyEvent = OrderPaid | OrderCancelled | RefundCreated | CustomerCreated | CustomerUpdated | PrivacyEvent;

/** Shopify's mandatory privacy webhooks, and the uninstall. */
export type PrivacyEvent =
  | { kind: 'app-uninstalled' }
  | { kind: 'customer-redact'; customerId: string; orderIds: string[] }
  | { kind: 'shop-redact' }
  | { kind: 'customer-data-request'; customerId: string; orderIds: string[]; requestId: string };

/** The events that move points: everything but the privacy webhooks. */
export type EarningEvent = Exclude<LoyaltyEvent, PrivacyEvent>;

export const isPrivacyEvent = (event: LoyaltyEvent): event is PrivacyEvent =>
  event.kind === 'app-uninstalled' || event.kind === 'customer-redact' || event.kind === 'shop-redact' || event.kind === 'customer-data-request';
