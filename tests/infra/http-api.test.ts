import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionLogicalId, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('the HTTP API', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod' } });
  });

  /** Route key → the logical id of the function its integration calls. */
  function routeTargets(): Record<string, string> {
    const integrations = synthesized.template.findResources('AWS::ApiGatewayV2::Integration');
    const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route')) as { Properties: { RouteKey: string; Target: { 'Fn::Join': [string, unknown[]] } } }[];
    return Object.fromEntries(
      routes.map((route) => {
        const integrationId = (route.Properties.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
        const uri = integrations[integrationId]?.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] };
        return [route.Properties.RouteKey, uri['Fn::GetAtt'][0]];
      }),
    );
  }

  it('is an HTTP API (API Gateway v2)', () => {
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
  });

  it('sends Shopify webhooks to the receiver, the admin page to its own function and everything else to the API function', () => {
    const { intake, api, appPage } = synthesized.stack;

    const targets = routeTargets();

    expect(targets).toEqual({
      'POST /webhooks/shopify': functionLogicalId(intake.receiver),
      'ANY /proxy/{proxy+}': functionLogicalId(api),
      'ANY /admin/{proxy+}': functionLogicalId(api),
      'ANY /customer/{proxy+}': functionLogicalId(api),
      'ANY /flow/{proxy+}': functionLogicalId(api),
      'GET /health': functionLogicalId(api),
      'GET /unsubscribe': functionLogicalId(api),
      'POST /unsubscribe': functionLogicalId(api),
      'GET /app': functionLogicalId(appPage),
      'GET /app/assets/{file}': functionLogicalId(appPage),
    });
  });

  it('throttles every route on its own, the webhooks with the largest budget', () => {
    const stage = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;

    expect(Object.keys(settings).sort()).toEqual(Object.keys(routeTargets()).sort());
    const rates = Object.entries(settings).map(([route, { ThrottlingRateLimit }]) => [route, ThrottlingRateLimit] as const);
    const webhooks = settings['POST /webhooks/shopify']!.ThrottlingRateLimit;
    for (const [route, rate] of rates) if (route !== 'POST /webhooks/shopify') expect(rate).toBeLessThan(webhooks);
    expect(settings['ANY /admin/{proxy+}']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
  });

  it('uses payload format 2.0, which the hono adapter reads', () => {
    const integrations = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Integration'));

    expect(integrations.map((integration) => integration.Properties.PayloadFormatVersion)).toEqual(['2.0', '2.0', '2.0']);
  });

  it('deploys to the $default stage, throttled, with access logs', () => {
    const accessLogs = logicalId(synthesized.stack.httpApi.accessLogs.node.defaultChild as CfnElement);

    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [accessLogs, 'Arn'] }, Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it('prints the webhook URL to configure in Shopify', () => {
    const outputs = synthesized.template.findOutputs('WebhookUrl');

    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toContain('webhooks/shopify');
  });
});
