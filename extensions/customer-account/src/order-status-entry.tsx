/** @jsxImportSource preact */
/** Entry of `customer-account.order-status.block.render`: the points an order earned. */
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { customerApi } from './api.ts';
import { APP_URL } from './app-url.ts';
import { OrderStatusBlock } from './OrderStatusBlock.tsx';

export default async () => {
  const api = customerApi({ appUrl: APP_URL, sessionToken: () => shopify.sessionToken.get() });
  render(
    <OrderStatusBlock api={api} orderId={shopify.order.value?.id} locale={shopify.localization.language.value?.isoCode} />,
    document.body,
  );
};
