/** A verified webhook delivery, processed: the same path for the local server and the queue processor. */
import type { ProcessEventOutcome } from '../earning/process-event.ts';
import { processEvent } from '../earning/process-event.ts';
import { isPrivacyEvent, type LoyaltyEvent } from '../earning/events.ts';
import { handlePrivacyEvent, type DataExportSink, type PrivacyOutcome } from '../privacy/privacy.ts';
import type { AccessTokenStore, LoyaltyStore } from '../store/ports.ts';
import type { ThrottledDeliveryLog } from './delivery-log.ts';

export interface Delivery {
  shop: string;
  topic: string;
  webhookId?: string;
  eventId?: string;
  event: LoyaltyEvent;
}

export interface DeliveryDeps {
  /** Where `customers/data_request` exports go. */
  exports: DataExportSink;
  /** Forgets a shop's Admin API tokens when `app/uninstalled` arrives. */
  accessTokens?: Pick<AccessTokenStore, 'deleteAccessToken'>;
  /** When each topic last arrived, for the admin's Setup screen. */
  deliveryLog?: ThrottledDeliveryLog;
}

export async function processDelivery(store: LoyaltyStore, delivery: Delivery, now: Date, deps: DeliveryDeps): Promise<ProcessEventOutcome | PrivacyOutcome> {
  const { event } = delivery;
  const outcome = isPrivacyEvent(event)
    ? await handlePrivacyEvent(store, deps.exports, delivery.shop, event, now, deps.accessTokens)
    : await processEvent(store, { shop: delivery.shop, event, now });
  // After shop/redact nothing of the shop may remain, its delivery time included.
  if (event.kind !== 'shop-redact') await deps.deliveryLog?.record(delivery.shop, delivery.topic, now);
  return outcome;
}
