/**
 * `/unsubscribe`: the link in reminders and win-back mail. `GET` shows a small confirmation page
 * (a mail client or scanner that follows links changes nothing); `POST` (the page's button, or a
 * mail client's RFC 8058 one-click `List-Unsubscribe=One-Click`) records the choice: the member's
 * contact gets `emailMarketing: 'unsubscribed'`, so no further reminders or win-back go to them.
 * The link is signed (`shared/notify/unsubscribe.ts`); a bad signature is a 401 and stores nothing.
 * It holds until the customer's consent changes in Shopify after it (`consent_updated_at`): an
 * unrelated `customers/update` that still says `subscribed` does not undo it.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { isUnsubscribeSignature } from '../notify/unsubscribe.ts';
import { retryOnConflict } from '../store/retry.ts';
import type { ApiDeps } from './deps.ts';
import { HttpProblem } from './problems.ts';
import { isShopDomain } from './shop-domain.ts';

export function unsubscribeRoutes(deps: ApiDeps) {
  return new Hono()
    .get('/', async (c) => {
      const { shop, customerId, sig } = await signedLink(c, deps);
      const action = `?${new URLSearchParams({ shop, customer: customerId, sig })}`;
      return c.html(page('Unsubscribe', html`<p>Stop e-mails about your points and rewards from ${shopName(shop)}?</p>
        <form method="post" action="${action}"><button type="submit">Unsubscribe</button></form>`));
    })
    .post('/', async (c) => {
      const { shop, customerId } = await signedLink(c, deps);
      const now = deps.clock();
      const found = await retryOnConflict(async () => {
        const member = await deps.store.getMember(shop, customerId);
        if (!member) return false;
        if (member.unsubscribedAt && member.contact.emailMarketing === 'unsubscribed') return true;
        const change = { member: { ...member, unsubscribedAt: now.toISOString(), contact: { ...member.contact, emailMarketing: 'unsubscribed' } }, lots: [], entries: [] };
        const result = await deps.store.commit({ shop, change, idempotencyKeys: [], now });
        return result === 'conflict' ? 'conflict' : true;
      });
      if (!found) throw new HttpProblem(404, 'not-found', 'the link names no member of this shop');
      deps.logger.info('member unsubscribed', { shop });
      return c.html(page('Unsubscribed', html`<p>You will no longer get e-mails about your points and rewards from ${shopName(shop)}.</p>`));
    });
}

async function signedLink(c: Context, deps: ApiDeps) {
  const shop = c.req.query('shop') ?? '';
  const customerId = c.req.query('customer') ?? '';
  const sig = c.req.query('sig') ?? '';
  if (!isShopDomain(shop) || !/^\d{1,30}$/.test(customerId) || !sig) throw new HttpProblem(400, 'invalid-request', 'the unsubscribe link is incomplete: it needs shop, customer and sig');
  const { apiSecret } = await deps.secrets();
  if (!isUnsubscribeSignature(apiSecret, shop, customerId, sig)) throw new HttpProblem(401, 'invalid-signature', 'the unsubscribe link’s signature is not valid');
  return { shop, customerId, sig };
}

const shopName = (shop: string) => shop.split('.')[0]!;

function page(title: string, body: unknown) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto; line-height: 1.5;"><h1>${title}</h1>${body}</body></html>`;
}
