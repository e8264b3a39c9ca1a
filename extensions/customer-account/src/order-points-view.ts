/**
 * What the order status block says about one order's points. Pure: the backend's answer in,
 * a line of text (or nothing) out.
 */
import type { OrderPoints } from './api.ts';
import type { ViewContext } from './rewards-view.ts';

export interface OrderPointsView {
  /** `success` for points earned, `info` for points waiting out the return window. */
  tone: 'success' | 'info' | 'neutral';
  text: string;
}

/**
 * `null` (no block at all) when the backend knows no points for the order (404: a guest order, or
 * one not paid yet); a short line when it earned none; otherwise the points, earned or pending.
 */
export function orderPointsView(answer: OrderPoints | null, { format, messages }: ViewContext): OrderPointsView | null {
  if (answer === null) return null;
  if (answer.points <= 0) return { tone: 'neutral', text: messages.orderNothing };
  const points = format.points(answer.points, messages.points);
  return answer.pending ? { tone: 'info', text: messages.orderPending(points) } : { tone: 'success', text: messages.orderEarned(points) };
}
