/**
 * The SES templates of the customer messages, one per notification kind, in SES's handlebars
 * (`{{name}}`, `{{#if}}`, `{{#each}}`). They read what `shared/notify/ses-notifier.ts` sends:
 * `shopName`, `firstName` (empty when unknown) and the fields of the kind's `data`.
 */
import type { NotificationKind } from '../shared/notify/notification.ts';

export interface EmailTemplateContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const GREETING = '{{#if firstName}}Hi {{firstName}},{{else}}Hi,{{/if}}';
const REWARDS_TEXT = '{{#each rewards}}\n- {{name}} ({{cost}} points){{/each}}';
const REWARDS_HTML = '<ul>{{#each rewards}}<li>{{name}} ({{cost}} points)</li>{{/each}}</ul>';

/** Every marketing message ends with its one-click unsubscribe link (absent only where none was made). */
const UNSUBSCRIBE_TEXT = '{{#if unsubscribeUrl}}\n\n--\nNo more of these e-mails: {{unsubscribeUrl}}{{/if}}';
const UNSUBSCRIBE_HTML = '{{#if unsubscribeUrl}}<p style="font-size: 12px; color: #666;">No more of these e-mails? <a href="{{unsubscribeUrl}}">Unsubscribe</a>.</p>{{/if}}';

/** Paragraphs as plain text; the reward list brings its own blank line, so no reward in reach leaves no gap. */
const text = (body: string, rewardsLead: string, signOff: string) =>
  `${GREETING}\n\n${body}{{#if rewards}}\n\n${rewardsLead}${REWARDS_TEXT}{{/if}}\n\n${signOff}\n{{shopName}}${UNSUBSCRIBE_TEXT}`;

const html = (body: string, rewardsLead: string, signOff: string) =>
  [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; color: #222;">',
    `<p>${GREETING}</p>`,
    `<p>${body}</p>`,
    `{{#if rewards}}<p>${rewardsLead}</p>${REWARDS_HTML}{{/if}}`,
    `<p>${signOff}<br>{{shopName}}</p>`,
    UNSUBSCRIBE_HTML,
    '</body></html>',
  ].join('\n');

/** Keyed by kind, so a new kind of notification does not compile without its template. */
export const EMAIL_TEMPLATES: Readonly<Record<NotificationKind, EmailTemplateContent>> = {
  'points-expiring': {
    subject: '{{points}} of your {{shopName}} points expire on {{expiresOn}}',
    text: text(
      '{{points}} of your {{balance}} points at {{shopName}} expire on {{expiresOn}}. Use them before then, so they do not go to waste.',
      'They are already enough for:',
      'See you soon,',
    ),
    html: html(
      '{{points}} of your {{balance}} points at {{shopName}} expire on <strong>{{expiresOn}}</strong>. Use them before then, so they do not go to waste.',
      'They are already enough for:',
      'See you soon,',
    ),
  },
  winback: {
    subject: 'We miss you at {{shopName}}: {{balance}} points are waiting for you',
    text: text(
      'It has been a while since your last order at {{shopName}}, and your {{balance}} points are still here, waiting for you.',
      'They are enough for:',
      'We would love to see you again,',
    ),
    html: html(
      'It has been a while since your last order at {{shopName}}, and your <strong>{{balance}} points</strong> are still here, waiting for you.',
      'They are enough for:',
      'We would love to see you again,',
    ),
  },
};
