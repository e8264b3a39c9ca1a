/**
 * The cloud's outlets for customer messages, from the environment the stack sets: an event on the
 * service's bus and an SES templated e-mail, both required to accept. Call once per container
 * (at module load), so the SDK clients and their connections are reused.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { EventBridgeNotifier } from '../../shared/notify/eventbridge-notifier.ts';
import { allOf, type Notifier } from '../../shared/notify/notification.ts';
import { SesNotifier } from '../../shared/notify/ses-notifier.ts';
import { logger, requiredEnv } from './logger.ts';

export const DEFAULT_TEMPLATE_PREFIX = 'loyalty-';

export function createNotifier(): Notifier {
  const configurationSetName = process.env.SES_CONFIGURATION_SET || undefined;
  // Without a sender (a stage that sends no mail) the SES outlet sends nothing and logs why, once.
  const senderEmail = process.env.SES_SENDER_EMAIL || undefined;
  return allOf(
    new EventBridgeNotifier({ client: new EventBridgeClient({}), eventBusName: requiredEnv('EVENT_BUS_NAME') }),
    new SesNotifier({
      client: new SESv2Client({}),
      templatePrefix: process.env.SES_TEMPLATE_PREFIX || DEFAULT_TEMPLATE_PREFIX,
      ...(configurationSetName ? { configurationSetName } : {}),
      ...(senderEmail ? { senderEmail } : {}),
      log: logger,
    }),
  );
}
