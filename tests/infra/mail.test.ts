import { App, type CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageSettings } from '../../infra/stage-settings.ts';
import { allowStatements, logicalId, synthesize, type Synthesized } from './synthesized-stack.ts';

describe('the mail sender stage setting', () => {
  it('is required on every stage but dev, with a clear error at synth', () => {
    expect(() => stageSettings(new App({ context: { stage: 'prod' } }).node)).toThrow(/sesSenderEmail is not set: stage prod mails customers/);
    expect(() => synthesize({ context: { stage: 'staging', sesSenderEmail: '' } })).toThrow(/sesSenderEmail is not set/);
    expect(stageSettings(new App({ context: { stage: 'dev' } }).node)).toMatchObject({ sesSenderEmail: undefined, sesConfigurationSet: undefined });
  });

  it.each([
    [{ sesSenderEmail: 'not-an-address' }, /sesSenderEmail=not-an-address is not an e-mail address/],
    [{ sesSenderEmail: 'loyalty@localhost' }, /sesSenderEmail=loyalty@localhost/],
    [{ sesSenderEmail: 'a b@example.com' }, /sesSenderEmail/],
    [{ sesSenderEmail: 'loyalty@example.com', sesConfigurationSet: 'bad name!' }, /sesConfigurationSet=bad name!/],
  ])('refuses %o', (context, message) => {
    expect(() => stageSettings(new App({ context: { stage: 'prod', ...context } }).node)).toThrow(message);
  });
});

describe('mail in the stack', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize({ context: { stage: 'prod', sesSenderEmail: 'points@shop.example.com', sesConfigurationSet: 'loyalty-events' } });
  });
  const environmentOf = (fn: { function: { node: { defaultChild: unknown } } }) => {
    const resource = synthesized.template.toJSON().Resources[logicalId(fn.function.node.defaultChild as CfnElement)];
    return resource.Properties.Environment.Variables as Record<string, unknown>;
  };

  it('passes the sender and the configuration set to the functions that mail and to the API', () => {
    const [remind, winback] = ['Remind', 'Winback'].map((name) => synthesized.stack.scheduledJobs.functions.find((fn) => fn.node.id === name)!);
    for (const fn of [remind!, winback!, synthesized.stack.api]) {
      expect(environmentOf(fn)).toMatchObject({ SES_SENDER_EMAIL: 'points@shop.example.com', SES_CONFIGURATION_SET: 'loyalty-events', PUBLIC_BASE_URL: expect.anything() });
    }
  });

  it('scopes ses:SendEmail to that sender (address or domain identity), the templates and the configuration set', () => {
    const remind = synthesized.stack.scheduledJobs.functions.find((fn) => fn.node.id === 'Remind')!;
    const statement = allowStatements(synthesized.template, remind).find((s) => s.Action === 'ses:SendEmail');
    expect([...(statement?.Resource as string[])].sort()).toEqual([
      'arn:aws:ses:us-east-1:111111111111:configuration-set/loyalty-events',
      'arn:aws:ses:us-east-1:111111111111:identity/points@shop.example.com',
      'arn:aws:ses:us-east-1:111111111111:identity/shop.example.com',
      'arn:aws:ses:us-east-1:111111111111:template/loyalty-prod-points-expiring',
      'arn:aws:ses:us-east-1:111111111111:template/loyalty-prod-winback',
    ]);
  });

  it('routes the unsubscribe link to the API function', () => {
    const routes = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Route')).map((route) => (route as { Properties: { RouteKey: string } }).Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['GET /unsubscribe', 'POST /unsubscribe']));
  });

  it('grants no SES permission on a dev stage without a sender', () => {
    const dev = synthesize({ context: { stage: 'dev', sesSenderEmail: '' } });
    const remind = dev.stack.scheduledJobs.functions.find((fn) => fn.node.id === 'Remind')!;
    expect(allowStatements(dev.template, remind).filter((s) => String(s.Action).startsWith('ses:'))).toEqual([]);
    expect(Object.keys(dev.template.toJSON().Resources[logicalId(remind.function.node.defaultChild as CfnElement)].Properties.Environment.Variables)).not.toContain('SES_SENDER_EMAIL');
  });
});
