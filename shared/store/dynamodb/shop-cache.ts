/**
 * The shop records a container has read lately, so that a webhook does not read its shop (and
 * program) on every delivery. An entry lives `ttlMs` from when it was read; a program saved
 * through this container, or a write to the shop that found it changed, forgets it at once.
 * Another container's save reaches this one within `ttlMs`.
 */
import type { Shop } from '../records.ts';

export const SHOP_CACHE_TTL_MS = 30_000;

export class ShopRecordCache {
  private readonly entries = new Map<string, { shop: Shop; until: number }>();

  constructor(private readonly ttlMs = SHOP_CACHE_TTL_MS) {}

  get(domain: string, now: Date): Shop | undefined {
    const entry = this.entries.get(domain);
    if (!entry) return undefined;
    if (entry.until > now.getTime()) return entry.shop;
    this.entries.delete(domain);
    return undefined;
  }

  put(shop: Shop, now: Date): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(shop.shop, { shop, until: now.getTime() + this.ttlMs });
  }

  forget(domain: string): void {
    this.entries.delete(domain);
  }
}
