/**
 * The e-mail outlet: one Amazon SES (API v2) templated message per notification, from the stage's
 * verified sender (`SES_SENDER_EMAIL`, shown with the store's name; the store's own `senderEmail`,
 * if any, as Reply-To). The template is chosen by kind (`loyalty-points-expiring`,
 * `loyalty-winback`) and filled from the notification; the stack creates the templates. A message
 * with an unsubscribe link carries it as `List-Unsubscribe` with `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click` (RFC 8058). Without a sender no mail goes out, and the outlet says
 * so once.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Notification, Notifier } from './notification.ts';

export interface SesNotifierOptions {
  client: SESv2Client;
  /** Put before the kind to name the template: `loyalty-` + `winback`. */
  templatePrefix: string;
  /** An SES configuration set for event publishing (bounces, complaints); none by default. */
  configurationSetName?: string;
  /** The verified sender every message goes from; none: no mail is sent. */
  senderEmail?: string;
  /** Where the outlet says, once, that it sends no mail; the console by default. */
  log?: { warn(message: string, attributes: Record<string, unknown>): void };
}

/** Says once per outlet why no mail goes out. */
export const NO_SENDER_MESSAGE = 'e-mail not sent: SES_SENDER_EMAIL is not set for this stage (set the stage setting sesSenderEmail)';

/** The tag that carries the notification id to SES's sending events. */
export const NOTIFICATION_ID_TAG = 'notification-id';

export class SesNotifier implements Notifier {
  private toldNoSender = false;
  constructor(private readonly options: SesNotifierOptions) {}

  /** Skips, without error, a notification with no recipient, or every one when there is no sender. */
  async send(notification: Notification): Promise<void> {
    if (!notification.email) return;
    const sender = this.options.senderEmail;
    if (!sender) {
      if (!this.toldNoSender) (this.options.log ?? { warn: (message: string, attributes: Record<string, unknown>) => console.warn(JSON.stringify({ level: 'WARN', message, ...attributes })) }).warn(NO_SENDER_MESSAGE, { kind: notification.kind, shop: notification.shop });
      this.toldNoSender = true;
      return;
    }
    const unsubscribe = notification.unsubscribeUrl;
    await this.options.client.send(
      new SendEmailCommand({
        FromEmailAddress: `${displayName(notification.shopName ?? notification.shop)} <${sender}>`,
        Destination: { ToAddresses: [notification.email] },
        ...(notification.from && notification.from !== sender ? { ReplyToAddresses: [notification.from] } : {}),
        Content: {
          Template: {
            TemplateName: `${this.options.templatePrefix}${notification.kind}`,
            TemplateData: JSON.stringify(templateData(notification)),
            ...(unsubscribe
              ? {
                  Headers: [
                    { Name: 'List-Unsubscribe', Value: `<${unsubscribe}>` },
                    { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
                  ],
                }
              : {}),
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
  return { shopName: notification.shopName ?? notification.shop, firstName: notification.firstName ?? '', unsubscribeUrl: notification.unsubscribeUrl ?? '', ...notification.data };
}

/** A display name safe inside a From header: quoted, without quotes, backslashes or line breaks. */
function displayName(name: string): string {
  const plain = name.replace(/["\\\r\n]/g, '').slice(0, 60);
  // SES takes only ASCII in headers: anything else as an RFC 2047 encoded word.
  return /^[\x20-\x7e]*$/.test(plain) ? `"${plain}"` : `=?utf-8?B?${Buffer.from(plain, 'utf8').toString('base64')}?=`;
}

/** SES tag values allow letters, digits, `_` and `-`, at most 256 of them. */
export function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';
}
