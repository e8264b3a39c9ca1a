/**
 * The one public endpoint: an HTTP API whose routes go to the webhook receiver (Shopify webhooks)
 * and to the API function (storefront App Proxy, admin, health) or the admin page's function, each
 * route throttled on its own.
 */
import { Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnRoute, CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageSettings } from './stage-settings.ts';

export interface LoyaltyHttpApiProps {
  readonly settings: StageSettings;
  readonly webhookReceiver: IFunction;
  readonly api: IFunction;
  /** The store owner's admin page (`/app`), a function of its own. */
  readonly appPage: IFunction;
}

export const WEBHOOK_PATH = '/webhooks/shopify';

/**
 * Requests a second (and bursts) per route. Webhooks get the most: a busy store's Black Friday
 * bursts, retried by Shopify if refused. The storefront answers shoppers through the App Proxy;
 * the admin, the admin page and unsubscribe links are one person's clicks.
 */
export const ROUTE_THROTTLES: Record<string, { rateLimit: number; burstLimit: number }> = {
  [`POST ${WEBHOOK_PATH}`]: { rateLimit: 200, burstLimit: 400 },
  'ANY /proxy/{proxy+}': { rateLimit: 100, burstLimit: 200 },
  'ANY /admin/{proxy+}': { rateLimit: 20, burstLimit: 40 },
  // Customers' account pages (a page view makes a few calls) and Flow's action runs.
  'ANY /customer/{proxy+}': { rateLimit: 50, burstLimit: 100 },
  'ANY /flow/{proxy+}': { rateLimit: 20, burstLimit: 40 },
  'GET /app': { rateLimit: 10, burstLimit: 20 },
  'GET /app/assets/{file}': { rateLimit: 10, burstLimit: 20 },
  'GET /unsubscribe': { rateLimit: 10, burstLimit: 20 },
  'POST /unsubscribe': { rateLimit: 10, burstLimit: 20 },
  'GET /health': { rateLimit: 5, burstLimit: 10 },
};

/**
 * One JSON line per request, for Logs Insights. The path without its query string: App Proxy
 * queries carry customer ids and signatures.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class LoyaltyHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: LoyaltyHttpApiProps) {
    super(scope, id);
    const { settings } = props;

    this.httpApi = new HttpApi(this, 'HttpApi', { description: `Loyalty program (${settings.stage})`, createDefaultStage: false });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: settings.logRetention, removalPolicy: settings.removalPolicy });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
      // A ceiling well above a busy store's webhook bursts, well below what would run up a bill.
      throttle: { rateLimit: 200, burstLimit: 400 },
    });

    const receiver = new HttpLambdaIntegration('WebhookReceiver', props.webhookReceiver);
    const api = new HttpLambdaIntegration('Api', props.api);
    this.httpApi.addRoutes({ path: WEBHOOK_PATH, methods: [HttpMethod.POST], integration: receiver });
    this.httpApi.addRoutes({ path: '/proxy/{proxy+}', methods: [HttpMethod.ANY], integration: api });
    this.httpApi.addRoutes({ path: '/admin/{proxy+}', methods: [HttpMethod.ANY], integration: api });
    // The customer account extension (CORS preflights included) and Shopify Flow's action requests.
    this.httpApi.addRoutes({ path: '/customer/{proxy+}', methods: [HttpMethod.ANY], integration: api });
    this.httpApi.addRoutes({ path: '/flow/{proxy+}', methods: [HttpMethod.ANY], integration: api });
    this.httpApi.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration: api });
    // The signed one-click unsubscribe link of customer mail (GET: a confirmation page; POST: the choice).
    this.httpApi.addRoutes({ path: '/unsubscribe', methods: [HttpMethod.GET, HttpMethod.POST], integration: api });
    // The store owner's admin page (Shopify's application_url) and its content-hashed script.
    const appPage = new HttpLambdaIntegration('AppPage', props.appPage);
    this.httpApi.addRoutes({ path: '/app', methods: [HttpMethod.GET], integration: appPage });
    this.httpApi.addRoutes({ path: '/app/assets/{file}', methods: [HttpMethod.GET], integration: appPage });

    // Each route has a budget of its own, so a flood of unsigned requests on the storefront or admin
    // routes is refused there (429) and never takes the rate Shopify's webhooks need. (RouteSettings
    // is free-form JSON in CDK: CloudFormation's own property names.)
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      Object.entries(ROUTE_THROTTLES).map(([routeKey, { rateLimit, burstLimit }]) => [routeKey, { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }]),
    );
    // Route settings name routes by key: make sure the routes exist first.
    for (const route of this.httpApi.node.findAll().filter((node) => node instanceof CfnRoute)) stage.node.addDependency(route);

    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every caller is Shopify or comes through Shopify, and the function checks what Shopify signs: webhooks by X-Shopify-Hmac-Sha256 over the raw body, App Proxy requests by their signature parameter, admin requests by Shopify session tokens, all keyed by the app secret. An API Gateway authorizer cannot see the raw body; /health answers nothing private.',
    });
  }

  /** The API's base URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
