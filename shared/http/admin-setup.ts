/**
 * `GET /admin/setup`: is the app ready to work in this shop? Its Admin API token, when each webhook
 * topic last arrived, and whether customer e-mail has a sender. The Setup screen shows it; the
 * shape is a contract with that screen.
 */
import { Hono } from 'hono';
import type { SessionUser } from '../shopify/session-token.ts';
import type { AccessTokenStatus } from '../shopify/access-tokens.ts';
import { EARNING_TOPICS, PRIVACY_TOPICS } from '../shopify/webhook-events.ts';
import { historyStatus, type HistoryStatus } from '../jobs/history-import.ts';
import type { ApiDeps } from './deps.ts';

type SetupEnv = { Variables: { user: SessionUser; now: Date } };

/** Every topic the service handles, as `shopify.app.toml` subscribes them. */
export const SUBSCRIBED_TOPICS: readonly string[] = [...EARNING_TOPICS, ...PRIVACY_TOPICS];

export interface SetupView {
  accessToken: AccessTokenStatus;
  webhooks: { topic: string; lastDeliveryAt: string | null }[];
  mail: { configured: boolean; sender?: string; configurationSet?: string };
  /** The import of the year of orders before installation, once it has begun. */
  history?: HistoryStatus;
}

export function setupRoutes(deps: ApiDeps) {
  return new Hono<SetupEnv>().get('/setup', async (c) => {
    const { shop } = c.get('user');
    const [accessToken, deliveries, history] = await Promise.all([
      deps.accessTokens ? deps.accessTokens.status(shop) : ({ status: 'missing' } as const),
      deps.deliveryLog ? deps.deliveryLog.lastDeliveries(shop) : [],
      historyStatus(deps.store, shop),
    ]);
    const last = new Map(deliveries.map((delivery) => [delivery.topic, delivery.lastDeliveryAt]));
    const { senderEmail, configurationSet } = deps.mail ?? {};
    const view: SetupView = {
      accessToken,
      webhooks: SUBSCRIBED_TOPICS.map((topic) => ({ topic, lastDeliveryAt: last.get(topic) ?? null })),
      mail: { configured: Boolean(senderEmail), ...(senderEmail ? { sender: senderEmail } : {}), ...(configurationSet ? { configurationSet } : {}) },
      ...(history ? { history } : {}),
    };
    return c.json(view);
  });
}
