/** @jsxImportSource preact */
/**
 * The order status block (`customer-account.order-status.block.render`): what this order earned,
 * or will earn once its return window closes. Shows nothing while loading, for an order that
 * earned nothing the backend knows of, and when the backend cannot be reached (or refuses a
 * customer who opened the page from an email link without signing in).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CustomerApi, OrderPoints } from './api.ts';
import { localeFormat } from './locale-format.ts';
import { messagesFor } from './messages.ts';
import { orderPointsView, type OrderPointsView } from './order-points-view.ts';

export function OrderPointsLine({ view }: { view: OrderPointsView | null }) {
  if (!view) return null;
  if (view.tone === 'neutral') return <s-text color="subdued">{view.text}</s-text>;
  return (
    <s-banner tone={view.tone}>
      <s-text>{view.text}</s-text>
    </s-banner>
  );
}

export interface OrderStatusBlockProps {
  api: CustomerApi;
  /** The order's id (`gid://shopify/Order/…`), from `shopify.order`. */
  orderId: string | undefined;
  locale: string | undefined;
}

export function OrderStatusBlock({ api, orderId, locale }: OrderStatusBlockProps) {
  const context = useMemo(() => ({ format: localeFormat(locale), messages: messagesFor(locale) }), [locale]);
  // undefined: still loading; null: nothing to show.
  const [answer, setAnswer] = useState<OrderPoints | null | undefined>(undefined);
  useEffect(() => {
    if (!orderId) {
      setAnswer(null);
      return;
    }
    let current = true;
    api.orderPoints(orderId).then(
      (points) => current && setAnswer(points),
      () => current && setAnswer(null),
    );
    return () => {
      current = false;
    };
  }, [api, orderId]);
  return <OrderPointsLine view={answer ? orderPointsView(answer, context) : null} />;
}
