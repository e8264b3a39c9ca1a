/**
 * Where an order came from, for the referral fraud rules: its e-mail, the buyer's IP, where it
 * ships and to whom. One builder for the orders/paid webhook and the Admin API's orders
 * (reconciliation and the history import), so an order reads the same whichever way it came.
 */
import type { OrderPaid } from '../earning/events.ts';

export interface OrderOriginFacts {
  email?: string | null | undefined;
  browserIp?: string | null | undefined;
  address?: { name?: string | null; address1?: string | null; address2?: string | null; city?: string | null; zip?: string | null; countryCode?: string | null } | null | undefined;
  customerName?: { first?: string | null; last?: string | null } | undefined;
}

export function orderOrigin(facts: OrderOriginFacts): { origin?: NonNullable<OrderPaid['origin']> } {
  const address = facts.address;
  const shippingAddress = address ? [address.address1, address.address2, address.city, address.zip, address.countryCode].filter(Boolean).join(', ') : '';
  const name = address?.name || [facts.customerName?.first, facts.customerName?.last].filter(Boolean).join(' ') || undefined;
  const origin = {
    ...(facts.email ? { email: facts.email } : {}),
    ...(facts.browserIp ? { browserIp: facts.browserIp } : {}),
    ...(shippingAddress ? { shippingAddress } : {}),
    ...(name ? { name } : {}),
  };
  return Object.keys(origin).length ? { origin } : {};
}
