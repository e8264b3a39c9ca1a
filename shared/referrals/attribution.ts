/**
 * The friend's order: when a paid order uses a referral's welcome code, its transaction records
 * the order's facts on the referral and puts it in the due index for the referrals job, at the
 * order's date plus the hold. Only what the event changes is written: the referral, never the
 * advocate (who is paid by the job). Pure.
 */
import { addDays } from '../clock.ts';
import type { Change } from '../earning/change.ts';
import type { OrderPaid } from '../earning/events.ts';
import type { OrderContext } from '../earning/orders.ts';
import { originKey } from './fraud.ts';
import { holdDays } from './referral.ts';
import type { ReferralOrderWrite } from './types.ts';

/**
 * `change` (what the order does otherwise, `null` for nothing) with the referral orders of the
 * welcome codes it used. A replay finds the code used already and adds nothing; a guest's order,
 * which earns nothing, still marks its welcome code used and its referral ordered.
 */
export function withReferralOrders(ctx: OrderContext, event: OrderPaid, change: Change | null): Change | null {
  const welcome = (ctx.coupons ?? []).filter((coupon) => coupon.referral && coupon.status !== 'used' && event.discountCodes.includes(coupon.code));
  if (welcome.length === 0 || ctx.order?.paid) return change;
  const dueAt = addDays(event.at, holdDays(ctx.program)).toISOString();
  const origin = event.origin ?? {};
  const ipKey = originKey(origin.browserIp);
  const addressKey = originKey(origin.shippingAddress);
  const email = origin.email ?? event.customer?.contact.email;
  const writes: ReferralOrderWrite[] = welcome.map((coupon) => ({
    advocateId: coupon.referral!.advocateId,
    referralId: coupon.referral!.id,
    order: {
      orderId: event.orderId,
      at: event.at,
      dueAt,
      ...(event.customerId ? { customerId: event.customerId } : {}),
      ...(email ? { email: email.toLowerCase() } : {}),
      ...(origin.name ? { name: origin.name } : {}),
      ...(ipKey ? { ipKey } : {}),
      ...(addressKey ? { addressKey } : {}),
      // The member as read is the member before this order.
      priorOrders: ctx.member?.orderCount ?? 0,
    },
  }));
  const base: Change = change ?? { lots: [], entries: [] };
  const used = new Set((base.couponUses ?? []).map((use) => use.code));
  const uses = welcome.filter((coupon) => !used.has(coupon.code)).map((coupon) => ({ code: coupon.code, orderId: event.orderId, at: event.at }));
  return { ...base, couponUses: [...(base.couponUses ?? []), ...uses], referralOrders: writes };
}
