/** `POST /webhooks/shopify`: size, signature, topic, shape, then the delivery. */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isValidWebhookSignature } from '../shopify/webhook-signature.ts';
import { isEarningTopic, parseJson, toEvent } from '../shopify/webhook-events.ts';
import { WEBHOOK_BODY_LIMIT_BYTES, type WebhookDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { isShopDomain } from './shop-domain.ts';

export function webhookRoutes(deps: WebhookDeps) {
  return new Hono().post(
    '/shopify',
    bodyLimit({
      maxSize: WEBHOOK_BODY_LIMIT_BYTES,
      onError: (c) => problem(c, 413, 'payload-too-large', `webhook bodies are limited to ${WEBHOOK_BODY_LIMIT_BYTES} bytes`),
    }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const { apiSecret } = await deps.secrets();
      if (!isValidWebhookSignature(raw, c.req.header('x-shopify-hmac-sha256'), apiSecret)) {
        throw new HttpProblem(401, 'invalid-signature', 'X-Shopify-Hmac-Sha256 is missing or does not match the body');
      }
      const topic = c.req.header('x-shopify-topic') ?? '';
      const shop = c.req.header('x-shopify-shop-domain') ?? '';
      const webhookId = c.req.header('x-shopify-webhook-id') || undefined;
      const eventId = c.req.header('x-shopify-event-id') || undefined;
      const log = deps.logger.createChild({ persistentKeys: { shop, topic, webhookId, eventId } });
      if (!isShopDomain(shop)) throw new HttpProblem(400, 'invalid-request', 'X-Shopify-Shop-Domain is missing or not a shop domain');
      for (const [name, value] of [['X-Shopify-Webhook-Id', webhookId], ['X-Shopify-Event-Id', eventId]] as const) {
        if (value !== undefined && !/^[\x21-\x7e]{1,255}$/.test(value)) throw new HttpProblem(400, 'invalid-request', `${name} is not an id`);
      }
      if (!isEarningTopic(topic)) {
        log.info('webhook topic not handled; acknowledged and ignored');
        return c.json({ outcome: 'ignored' }, 200);
      }
      let rawBody: string;
      try {
        rawBody = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        throw new HttpProblem(400, 'invalid-payload', 'the body is not UTF-8, so not JSON');
      }
      const event = toEvent(topic, parseJson(rawBody));
      const now = deps.clock();
      const result = await deps.deliver({ shop, topic, event, rawBody, ...(webhookId ? { webhookId } : {}), ...(eventId ? { eventId } : {}) }, now);
      log.info('webhook accepted', { outcome: result.outcome, ...('points' in result ? { points: result.points } : {}) });
      return c.json(result, 200);
    },
  );
}
