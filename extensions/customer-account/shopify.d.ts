// The `shopify` global of each entry module, in the form Shopify CLI generates (and may
// regenerate) for the targets of shopify.extension.toml. The other modules take what they need as
// arguments, so they run in tests without it.
import '@shopify/ui-extensions';

//@ts-ignore
declare module './src/rewards-page-entry.tsx' {
  const shopify: import('@shopify/ui-extensions/customer-account.page.render').Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module './src/order-status-entry.tsx' {
  const shopify: import('@shopify/ui-extensions/customer-account.order-status.block.render').Api;
  const globalThis: { shopify: typeof shopify };
}
