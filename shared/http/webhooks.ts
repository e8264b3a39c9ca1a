/** `POST /webhooks/shopify`: size, signature, topic, shape, then the delivery. */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Hono } from 'hono';
import { InvalidPayloadError } from '../shopify/errors.ts';
import { isValidWebhookSignature } from '../shopify/webhook-signature.ts';
import { isEarningTopic, parseJson, toEvent } from '../shopify/webhook-events.ts';
import { WEBHOOK_BODY_LIMIT_BYTES, type WebhookDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { isShopDomain } from './shop-domain.ts';

export function webhookRoutes(deps: WebhookDeps) {
  /**
   * One line per refused delivery, for the store owner's developer: which shop, topic and
   * delivery, and why. The headers are only named, never trusted (the signature may be wrong):
   * each is logged only if it looks like what it claims to be. Never the body.
   */
  const logRejected = (c: Context, status: number, reason: string, facts: Record<string, unknown> = {}) =>
    deps.logger.warn('webhook rejected', { ...deliveryFacts(c), status, reason, ...facts });

  return new Hono().post(
    '/shopify',
    bodyLimit({
      maxSize: WEBHOOK_BODY_LIMIT_BYTES,
      onError: (c) => {
        logRejected(c, 413, `the body is larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes`);
        return problem(c, 413, 'payload-too-large', `webhook bodies are limited to ${WEBHOOK_BODY_LIMIT_BYTES} bytes`);
      },
    }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const { apiSecret } = await deps.secrets();
      const reject = (status: 400 | 401, type: string, reason: string, facts: Record<string, unknown> = {}): never => {
        logRejected(c, status, reason, facts);
        throw new HttpProblem(status, type, reason);
      };
      if (!isValidWebhookSignature(raw, c.req.header('x-shopify-hmac-sha256'), apiSecret)) {
        reject(401, 'invalid-signature', 'X-Shopify-Hmac-Sha256 is missing or does not match the body');
      }
      const topic = c.req.header('x-shopify-topic') ?? '';
      const shop = c.req.header('x-shopify-shop-domain') ?? '';
      const webhookId = c.req.header('x-shopify-webhook-id') || undefined;
      const eventId = c.req.header('x-shopify-event-id') || undefined;
      const log = deps.logger.createChild({ persistentKeys: { shop, topic, webhookId, eventId } });
      if (!isShopDomain(shop)) reject(400, 'invalid-request', 'X-Shopify-Shop-Domain is missing or not a shop domain');
      for (const [name, value] of [['X-Shopify-Webhook-Id', webhookId], ['X-Shopify-Event-Id', eventId]] as const) {
        if (value !== undefined && !/^[\x21-\x7e]{1,255}$/.test(value)) reject(400, 'invalid-request', `${name} is not an id`);
      }
      if (!isEarningTopic(topic)) {
        log.info('webhook topic not handled; acknowledged and ignored');
        return c.json({ outcome: 'ignored' }, 200);
      }
      let rawBody = '';
      try {
        rawBody = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        reject(400, 'invalid-payload', 'the body is not UTF-8, so not JSON');
      }
      let event;
      try {
        event = toEvent(topic, parseJson(rawBody));
      } catch (error) {
        // The paths of what did not fit, and no message: a message could quote the payload.
        if (error instanceof InvalidPayloadError) {
          const problemPaths = error.problems.map((p) => p.path);
          logRejected(c, 400, problemPaths.length ? `the body is not the shape ${topic} needs` : 'the body is not JSON', { problemPaths });
        }
        throw error;
      }
      const now = deps.clock();
      const result = await deps.deliver({ shop, topic, event, rawBody, ...(webhookId ? { webhookId } : {}), ...(eventId ? { eventId } : {}) }, now);
      log.info('webhook accepted', { outcome: result.outcome, ...('points' in result ? { points: result.points } : {}) });
      return c.json(result, 200);
    },
  );
}

/** The delivery's shop, topic and ids, each only if it has the form it should (a refused request's headers are untrusted). */
function deliveryFacts(c: Context): Record<string, string | undefined> {
  const header = (name: string, pattern: RegExp) => {
    const value = c.req.header(name);
    return value !== undefined && pattern.test(value) ? value : undefined;
  };
  const shop = c.req.header('x-shopify-shop-domain');
  return {
    shop: shop !== undefined && isShopDomain(shop) ? shop : undefined,
    topic: header('x-shopify-topic', /^[a-z_]{1,40}(?:\/[a-z_]{1,40}){1,2}$/),
    webhookId: header('x-shopify-webhook-id', /^[\x21-\x7e]{1,255}$/),
    eventId: header('x-shopify-event-id', /^[\x21-\x7e]{1,255}$/),
  };
}
