/**
 * The cloud outlets against loopback stand-ins of the services, which record what the AWS SDK
 * sends and answer as the services do: SES API v2 (REST-JSON) and EventBridge (JSON 1.1).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeNotifier, EventRejectedError } from '../../shared/notify/eventbridge-notifier.ts';
import type { Notification } from '../../shared/notify/notification.ts';
import { SesNotifier } from '../../shared/notify/ses-notifier.ts';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface StandIn {
  endpoint: string;
  requests: Recorded[];
  /** What the next requests are answered: content type and JSON body. */
  answer: { contentType: string; body: unknown };
  close: () => void;
}

function startStandIn(answer: StandIn['answer']): Promise<StandIn> {
  const standIn = { requests: [] as Recorded[], answer } as StandIn;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      standIn.requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: JSON.parse(body || '{}') as Record<string, unknown> });
      response.setHeader('content-type', standIn.answer.contentType);
      response.end(JSON.stringify(standIn.answer.body));
    });
  });
  standIn.close = () => server.close();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      standIn.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve(standIn);
    }),
  );
}

const clientOptions = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

const expiring: Notification = {
  id: 'points-expiring:shop.myshopify.com:1001:2025-07-01',
  kind: 'points-expiring',
  shop: 'shop.myshopify.com',
  customerId: '1001',
  email: 'ada@example.com',
  from: 'rewards@shop.example',
  shopName: 'Ada’s Shop',
  firstName: 'Ada',
  createdAt: '2025-06-17T09:00:00.000Z',
  data: { balance: 640, points: 120, expiresOn: '2025-07-01', daysBefore: 14, rewards: [{ id: 'r5', name: '$5 off', cost: 500 }] },
};

const SES_ANSWER = { contentType: 'application/json', body: { MessageId: 'message-1' } };
const ACCEPTED = { contentType: 'application/x-amz-json-1.1', body: { FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] } };
const REFUSED = {
  contentType: 'application/x-amz-json-1.1',
  body: { FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] },
};

describe('the SES notifier', () => {
  let ses: StandIn;
  let notifier: SesNotifier;
  beforeAll(async () => {
    ses = await startStandIn(SES_ANSWER);
    notifier = new SesNotifier({ client: new SESv2Client(clientOptions(ses.endpoint)), templatePrefix: 'loyalty-prod-', configurationSetName: 'loyalty', senderEmail: 'loyalty@mail.example' });
  });
  beforeEach(() => {
    ses.requests.length = 0;
  });
  afterAll(() => ses?.close());

  it('sends the kind’s template from the stage’s sender, in the store’s name, replying to the store, to the member', async () => {
    await notifier.send(expiring);

    expect(ses.requests).toHaveLength(1);
    const [request] = ses.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails' });
    expect(request!.body).toMatchObject({
      FromEmailAddress: `=?utf-8?B?${Buffer.from('Ada’s Shop').toString('base64')}?= <loyalty@mail.example>`,
      ReplyToAddresses: ['rewards@shop.example'],
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: { Template: { TemplateName: 'loyalty-prod-points-expiring' } },
      ConfigurationSetName: 'loyalty',
    });
  });

  it('fills the template with the shop name, the first name and the message’s data', async () => {
    await notifier.send(expiring);

    const template = (ses.requests[0]!.body.Content as { Template: { TemplateData: string } }).Template;
    expect(JSON.parse(template.TemplateData)).toEqual({
      shopName: 'Ada’s Shop',
      firstName: 'Ada',
      unsubscribeUrl: '',
      balance: 640,
      points: 120,
      expiresOn: '2025-07-01',
      daysBefore: 14,
      rewards: [{ id: 'r5', name: '$5 off', cost: 500 }],
    });
  });

  it('gives the template every name it reads, even without a first name or shop name', async () => {
    const { firstName: _firstName, shopName: _shopName, ...bare } = expiring;

    await notifier.send({ ...bare, kind: 'winback', data: { balance: 80, lastOrderAt: '2025-03-01T10:00:00Z', usualIntervalDays: 30, daysSinceLastOrder: 75, rewards: [] } });

    const template = (ses.requests[0]!.body.Content as { Template: { TemplateName: string; TemplateData: string } }).Template;
    expect(template.TemplateName).toBe('loyalty-prod-winback');
    expect(JSON.parse(template.TemplateData)).toMatchObject({ shopName: 'shop.myshopify.com', firstName: '', balance: 80, rewards: [] });
  });

  it('tags the message with the notification id, in the characters SES allows', async () => {
    await notifier.send(expiring);

    expect(ses.requests[0]!.body.EmailTags).toEqual([{ Name: 'notification-id', Value: 'points-expiring_shop_myshopify_com_1001_2025-07-01' }]);
  });

  it('sends nothing for a member with no e-mail address', async () => {
    await notifier.send({ ...expiring, email: undefined });

    expect(ses.requests).toEqual([]);
  });

  it('sends nothing without a stage sender, and says why once', async () => {
    const warnings: string[] = [];
    const unset = new SesNotifier({ client: new SESv2Client(clientOptions(ses.endpoint)), templatePrefix: 'loyalty-', log: { warn: (message) => warnings.push(message) } });

    await unset.send(expiring);
    await unset.send(expiring);

    expect(ses.requests).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('SES_SENDER_EMAIL is not set')]);
  });

  it('carries the unsubscribe link in the template and as one-click List-Unsubscribe headers (RFC 8058)', async () => {
    const unsubscribeUrl = 'https://api.example/unsubscribe?shop=shop.myshopify.com&customer=1001&sig=abc';
    await notifier.send({ ...expiring, unsubscribeUrl });

    const template = (ses.requests[0]!.body.Content as { Template: { TemplateData: string; Headers: unknown } }).Template;
    expect(JSON.parse(template.TemplateData)).toMatchObject({ unsubscribeUrl });
    expect(template.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: `<${unsubscribeUrl}>` },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('names no configuration set unless given one', async () => {
    const plain = new SesNotifier({ client: new SESv2Client(clientOptions(ses.endpoint)), templatePrefix: 'loyalty-', senderEmail: 'loyalty@mail.example' });

    await plain.send(expiring);

    expect(ses.requests[0]!.body).not.toHaveProperty('ConfigurationSetName');
    expect((ses.requests[0]!.body.Content as { Template: { TemplateName: string } }).Template.TemplateName).toBe('loyalty-points-expiring');
  });
});

describe('the EventBridge notifier', () => {
  let events: StandIn;
  let notifier: EventBridgeNotifier;
  beforeAll(async () => {
    events = await startStandIn(ACCEPTED);
    notifier = new EventBridgeNotifier({ client: new EventBridgeClient(clientOptions(events.endpoint)), eventBusName: 'loyalty-prod' });
  });
  beforeEach(() => {
    events.requests.length = 0;
    events.answer = ACCEPTED;
  });
  afterAll(() => events?.close());

  it('puts the whole notification on the bus as one event, typed by its kind', async () => {
    await notifier.send(expiring);

    expect(events.requests).toHaveLength(1);
    const [request] = events.requests;
    expect(request!.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    const entries = request!.body.Entries as Record<string, unknown>[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: 'loyalty', DetailType: 'points-expiring', EventBusName: 'loyalty-prod' });
    expect(JSON.parse(entries[0]!.Detail as string)).toEqual(expiring);
  });

  it('dates the event when the notification was made', async () => {
    await notifier.send(expiring);

    const [entry] = events.requests[0]!.body.Entries as { Time: number }[];
    // JSON 1.1 sends timestamps as epoch seconds.
    expect(new Date(entry!.Time * 1000).toISOString()).toBe(expiring.createdAt);
  });

  it('throws when EventBridge refuses the event, so the job tries again', async () => {
    events.answer = REFUSED;

    const sending = notifier.send(expiring);

    await expect(sending).rejects.toThrow(EventRejectedError);
    await expect(sending).rejects.toThrow(/ThrottlingException: Rate exceeded/);
  });
});
