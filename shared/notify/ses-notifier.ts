/**
 * The e-mail outlet: one Amazon SES (API v2) templated message per notification, from the store's
 * own verified sender identity. The template is chosen by kind (`loyalty-points-expiring`,
 * `loyalty-winback`) and filled from the notification; the stack creates the templates.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Notification, Notifier } from './notification.ts';

export interface SesNotifierOptions {
  client: SESv2Client;
  /** Put before the kind to name the template: `loyalty-` + `winback`. */
  templatePrefix: string;
  /** An SES configuration set for event publishing (bounces, complaints); none by default. */
  configurationSetName?: string;
}

/** The tag that carries the notification id to SES's sending events. */
export const NOTIFICATION_ID_TAG = 'notification-id';

export class SesNotifier implements Notifier {
  constructor(private readonly options: SesNotifierOptions) {}

  /** Skips, without error, a notification with no recipient or no sender: there is no e-mail to send. */
  async send(notification: Notification): Promise<void> {
    if (!notification.email || !notification.from) return;
    await this.options.client.send(
      new SendEmailCommand({
        FromEmailAddress: notification.from,
        Destination: { ToAddresses: [notification.email] },
        Content: {
          Template: {
            TemplateName: `${this.options.templatePrefix}${notification.kind}`,
            TemplateData: JSON.stringify(templateData(notification)),
          },
        },
        EmailTags: [{ Name: NOTIFICATION_ID_TAG, Value: tagValue(notification.id) }],
        ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
      }),
    );
  }
}

/**
 * What the templates read. Every name a template uses is present, because SES refuses to render
 * (and drops the message) when the data lacks one: no first name is an empty one, no shop name is
 * the shop's domain.
 */
export function templateData(notification: Notification): Record<string, unknown> {
  return { shopName: notification.shopName ?? notification.shop, firstName: notification.firstName ?? '', ...notification.data };
}

/** SES tag values allow letters, digits, `_` and `-`, at most 256 of them. */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
