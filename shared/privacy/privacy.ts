/**
 * Shopify's privacy webhooks, and the uninstall:
 * - `customers/data_request`: a complete export of what is held about the customer, written to
 *   the export sink (the local outbox; S3 in the cloud);
 * - `customers/redact`: the customer's personal data is erased (contact data, e-mail addresses
 *   on messages, survey comments); balances and figures stay, anonymous;
 * - `shop/redact`: everything of the shop is deleted, in bounded, resumable steps;
 * - `app/uninstalled`: the shop becomes inactive: no more reminders, win-back messages or coupons;
 *   its Admin API tokens are deleted.
 */
import type { PrivacyEvent } from '../earning/events.ts';
import { newShop } from '../earning/shops.ts';
import type { AccessTokenStore, LoyaltyStore } from '../store/ports.ts';
import type { ExportRequest } from '../store/records.ts';
import { retryOnConflict } from '../store/retry.ts';
import { redactReferralFriend } from '../referrals/redact-friend.ts';

export type { ExportRequest } from '../store/records.ts';

/** The object name of an export: `exports/<shop>/<customer>/<request>.json`. */
export const exportName = (request: ExportRequest) => `exports/${request.shop}/${request.customerId}/${request.requestId}.json`;

/**
 * Where exports go. `build` assembles the document; a sink may call it at once (locally, the
 * outbox; the cloud's export job, S3) or record the request for later (the cloud's webhook
 * processor, which leaves the work to the export job). Answers where the export is, or will be.
 */
export interface DataExportSink {
  export(request: ExportRequest, build: () => Promise<Record<string, unknown>>): Promise<string>;
}

export interface PrivacyOutcome {
  outcome: 'applied';
  detail: Record<string, unknown>;
}

export async function handlePrivacyEvent(
  store: LoyaltyStore,
  exports: DataExportSink,
  shop: string,
  event: PrivacyEvent,
  now: Date,
  accessTokens?: Pick<AccessTokenStore, 'deleteAccessToken'>,
): Promise<PrivacyOutcome> {
  switch (event.kind) {
    case 'app-uninstalled': {
      const changed = await deactivate(store, shop, now);
      // Shopify has revoked them; nothing should find them again. A reinstall exchanges anew.
      await accessTokens?.deleteAccessToken(shop);
      return { outcome: 'applied', detail: { active: false, changed } };
    }
    case 'shop-redact':
      return { outcome: 'applied', detail: await eraseShop(store, shop) };
    case 'customer-redact':
      return { outcome: 'applied', detail: { ...(await redactCustomer(store, shop, event.customerId, now)), ...(event.email ? { referralFriend: await redactReferralFriend(store.referrals, shop, event.email) } : {}) } };
    case 'customer-data-request': {
      const request = { shop, customerId: event.customerId, orderIds: event.orderIds, requestId: event.requestId };
      return { outcome: 'applied', detail: { location: await exports.export(request, () => buildCustomerExport(store, request, new Date(now))) } };
    }
  }
}

/** Deletions one call to the store makes, and calls one delivery makes, before it hands over. */
const ERASE_BATCH = 1_000;
const ERASE_BATCHES_PER_DELIVERY = 100;

/**
 * `shop/redact`, in bounded steps. A delivery that cannot finish (a very large shop, or a Lambda
 * stopped midway) fails, and its re-delivery, by SQS or by Shopify, goes on where the table says.
 */
async function eraseShop(store: LoyaltyStore, shop: string): Promise<{ erasedItems: number }> {
  let erasedItems = 0;
  for (let batch = 0; batch < ERASE_BATCHES_PER_DELIVERY; batch++) {
    const { erased, done } = await store.eraseShop(shop, { maxItems: ERASE_BATCH });
    erasedItems += erased;
    if (done) return { erasedItems };
  }
  throw new ShopErasureUnfinishedError(shop, erasedItems);
}

/** A `shop/redact` that erased what one delivery may and has more to go: the delivery is retried. */
export class ShopErasureUnfinishedError extends Error {
  readonly type = 'shop-erasure-unfinished';
  constructor(
    readonly shop: string,
    readonly erasedItems: number,
  ) {
    super(`erased ${erasedItems} items of ${shop}; more remain, and the next delivery goes on`);
    this.name = 'ShopErasureUnfinishedError';
  }
}

async function deactivate(store: LoyaltyStore, domain: string, now: Date): Promise<boolean> {
  return retryOnConflict(async () => {
    const shop = (await store.getShop(domain)) ?? newShop(domain, now);
    if (!shop.active && shop.rev > 0) return false;
    const result = await store.commit({ shop: domain, change: { lots: [], entries: [] }, idempotencyKeys: [], shopRecord: { ...shop, active: false }, now });
    return result === 'committed' ? true : 'conflict';
  });
}

async function redactCustomer(store: LoyaltyStore, shop: string, customerId: string, now: Date) {
  const member = await retryOnConflict(async () => {
    const member = await store.getMember(shop, customerId);
    if (!member) return null;
    // The birthday is personal data too: gone, its entry in the due index leaves with the next birthdays run.
    const { birthday: _birthday, ...kept } = member;
    const redacted = { ...kept, contact: { emailMarketing: 'redacted', updatedAt: now.toISOString() } };
    const result = await store.commit({ shop, change: { member: redacted, lots: [], entries: [] }, idempotencyKeys: [], now });
    return result === 'committed' ? redacted : 'conflict';
  });
  const records = await store.redactMemberRecords(shop, customerId);
  return { member: member !== null, recordsRedacted: records };
}

/** Everything held about the customer, as one document. */
export async function buildCustomerExport(store: LoyaltyStore, request: ExportRequest, now: Date): Promise<Record<string, unknown>> {
  const { shop } = request;
  const records = await store.memberRecords(shop, request.customerId);
  const bySort = (prefix: string) => records.filter((record) => String(record.SK).startsWith(prefix));
  const ledger = bySort('LEDGER#');
  const couponCodes = ledger.map((entry) => entry.couponCode).filter((code): code is string => typeof code === 'string');
  return {
    shop,
    customerId: request.customerId,
    requestId: request.requestId,
    generatedAt: now.toISOString(),
    member: bySort('MEMBER')[0] ?? null,
    lots: bySort('LOT#'),
    ledger,
    coupons: await store.getCoupons(shop, couponCodes),
    orders: await store.getOrders(shop, request.orderIds),
    messages: bySort('NOTIFICATION#'),
    surveyAnswers: bySort('FEEDBACK#'),
  };
}
