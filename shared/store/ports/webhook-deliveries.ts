/** When each webhook topic last arrived for a shop: written at most about once a minute per topic. */
export interface WebhookDeliveryLog {
  recordDelivery(shop: string, topic: string, at: string): Promise<void>;
  lastDeliveries(shop: string): Promise<{ topic: string; lastDeliveryAt: string }[]>;
}
