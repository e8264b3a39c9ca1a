/**
 * The service's HTTP app: the same hono app behind the local server and the Lambda functions.
 * Handlers parse, call the core and answer; `onError` is the only place errors become answers.
 */
import { ReferralError } from '../referrals/errors.ts';
import { BirthdayChangeTooSoonError, InvalidBirthdayError } from '../birthdays/birthday.ts';
import { Hono } from 'hono';
import { AdjustmentBelowZeroError } from '../admin/errors.ts';
import { BusyError, CurrencyMismatchError } from '../earning/errors.ts';
import { InvalidProgramError } from '../program/program.ts';
import { InvalidPayloadError } from '../shopify/errors.ts';
import { InvalidCustomerSessionTokenError } from '../shopify/customer-session-token.ts';
import { InvalidCursorError } from '../store/ports.ts';
import { InsufficientPointsError, ProgramInactiveError, UnknownRewardError } from '../rewards/errors.ts';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApiDeps, AppDeps, WebhookDeps } from './deps.ts';
import { HttpProblem, problem } from './problems.ts';
import { proxyRoutes } from './proxy.ts';
import { adminRoutes } from './admin.ts';
import { webhookRoutes } from './webhooks.ts';
import { widgetRoutes } from './widget.ts';
import { unsubscribeRoutes } from './unsubscribe.ts';
import { appPageRoutes } from './app-page.ts';
import { customerRoutes } from './customer.ts';
import { flowRoutes } from './flow.ts';

/** The storefront and admin routes, shared by the whole service and the cloud's API function. */
function apiRoutes(deps: ApiDeps) {
  return (
    new Hono()
      .get('/health', (c) => c.json({ status: 'ok' }))
      // Before the signed routes: the widget's script is public, and answers before their middleware.
      .route('/proxy', widgetRoutes())
      .route('/proxy', proxyRoutes(deps))
      .route('/admin', adminRoutes(deps))
      .route('/customer', customerRoutes(deps))
      .route('/flow', flowRoutes(deps))
      .route('/unsubscribe', unsubscribeRoutes(deps))
  );
}

/** The whole service: webhooks processed inline, the storefront, the admin API and page (the local server). */
export function createApp(deps: AppDeps) {
  const app = new Hono()
    .route('/webhooks', webhookRoutes(deps))
    .route('/', apiRoutes(deps))
    // The store owner's admin page: public HTML and script; its data comes from /admin/*.
    .route('/', appPageRoutes(deps.secrets));
  return withProblemAnswers(app, deps.logger);
}

/** The storefront and admin API without webhook intake: the cloud's API function (webhooks go to the receiver). */
export function createApiApp(deps: ApiDeps) {
  return withProblemAnswers(new Hono().route('/', apiRoutes(deps)), deps.logger);
}

/** Only the webhook intake: the cloud receiver, which verifies and hands on to the queue. */
export function createWebhookIntakeApp(deps: WebhookDeps) {
  const app = new Hono().route('/webhooks', webhookRoutes(deps));
  return withProblemAnswers(app, deps.logger);
}

/** The one place where errors become answers: problem+json, with a stable type. */
export function withProblemAnswers<T extends Hono<any, any, any>>(app: T, logger: Logger): T {
  app.notFound((c) => problem(c, 404, 'not-found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HttpProblem) {
      if (typeof error.extensions.retryAfter === 'number') c.header('retry-after', String(error.extensions.retryAfter));
      return problem(c, error.status, error.type, error.message, error.extensions);
    }
    if (error instanceof InvalidCustomerSessionTokenError) return problem(c, 401, error.type, error.message);
    if (error instanceof InvalidPayloadError) return problem(c, 400, error.type, error.message, { problems: error.problems });
    if (error instanceof InvalidProgramError) return problem(c, 422, error.type, error.message, { problems: error.problems });
    if (error instanceof InvalidCursorError) return problem(c, 400, error.type, error.message);
    if (error instanceof CurrencyMismatchError) return problem(c, 422, error.type, error.message, { currency: error.currency, shopCurrency: error.shopCurrency });
    if (error instanceof AdjustmentBelowZeroError) return problem(c, 409, error.type, error.message, { balance: error.balance, points: error.points });
    if (error instanceof InsufficientPointsError) return problem(c, 409, error.type, error.message, { balance: error.balance, cost: error.cost });
    if (error instanceof ProgramInactiveError) return problem(c, 409, error.type, error.message);
    if (error instanceof UnknownRewardError) return problem(c, 422, error.type, error.message);
    if (error instanceof InvalidBirthdayError) return problem(c, 422, error.type, error.message, { problems: error.problems });
    if (error instanceof BirthdayChangeTooSoonError) return problem(c, 409, error.type, error.message, { changeableFrom: error.changeableFrom.slice(0, 10) });
    if (error instanceof ReferralError) return problem(c, error.status, error.type, error.message, error.extensions);
    // Every log line names the shop and the delivery; none carries a payload or personal data.
    const log = logger.createChild({
      persistentKeys: { shop: c.req.header('x-shopify-shop-domain') ?? c.req.query('shop'), webhookId: c.req.header('x-shopify-webhook-id'), path: c.req.path },
    });
    if (error instanceof BusyError) {
      log.warn('gave up on a contended write', { errorType: error.type, attempts: error.attempts });
      c.header('retry-after', '1');
      return problem(c, 503, error.type, 'the records kept changing; try again');
    }
    log.error('unhandled error', { error });
    return problem(c, 500, 'internal', 'something went wrong on our side');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
