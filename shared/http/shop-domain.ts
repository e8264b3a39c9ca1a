/** A shop is named by its domain, `example.myshopify.com` (any host name is accepted for custom set-ups). */
const SHOP_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function isShopDomain(value: string): boolean {
  return value.length <= 255 && SHOP_DOMAIN.test(value);
}
