/**
 * When each topic last arrived, for the Setup screen, kept cheaply: at most one write per shop and
 * topic a minute from one container, outside the delivery's own transaction, and never a reason
 * for a delivery to fail.
 */
import type { WebhookDeliveryLog } from '../store/ports.ts';

const EVERY_MS = 60_000;
/** Past this many shop/topic pairs the memory starts again (a write each, once). */
const REMEMBERED = 10_000;

export class ThrottledDeliveryLog {
  private readonly written = new Map<string, number>();

  constructor(private readonly log: WebhookDeliveryLog) {}

  async record(shop: string, topic: string, now: Date): Promise<void> {
    const key = `${shop} ${topic}`;
    const last = this.written.get(key);
    if (last !== undefined && now.getTime() >= last && now.getTime() - last < EVERY_MS) return;
    if (this.written.size >= REMEMBERED) this.written.clear();
    this.written.set(key, now.getTime());
    try {
      await this.log.recordDelivery(shop, topic, now.toISOString());
    } catch {
      // Bookkeeping for the Setup screen only: the delivery itself has been processed.
      this.written.delete(key);
    }
  }
}
