/**
 * Where customer messages go: an EventBridge bus of the service's own (every notification as an
 * event, for a rule to forward to Klaviyo or similar) and the SES templates of the e-mails. A job
 * that sends messages gets `environment` and `grantSend`; nothing else can reach either.
 */
import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnTemplate } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { NotificationKind } from '../shared/notify/notification.ts';
import { EMAIL_TEMPLATES } from './email-templates.ts';
import type { LoyaltyFunction } from './loyalty-function.ts';
import type { StageSettings } from './stage-settings.ts';

export interface CustomerMessagesProps {
  readonly settings: StageSettings;
}

export class CustomerMessages extends Construct {
  readonly bus: EventBus;
  /**
   * `loyalty-<stage>-`: SES template names are one namespace per account and region, so two stages
   * deployed side by side must not share them.
   */
  readonly templatePrefix: string;
  readonly templates: Readonly<Record<NotificationKind, CfnTemplate>>;
  private readonly settings: StageSettings;

  constructor(scope: Construct, id: string, props: CustomerMessagesProps) {
    super(scope, id);
    this.settings = props.settings;
    const { stage } = props.settings;

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `loyalty-${stage}`,
      description: `Customer messages of the loyalty service (${stage}), one event per notification: source "loyalty", detail-type the kind`,
    });

    this.templatePrefix = `loyalty-${stage}-`;
    const templates = {} as Record<NotificationKind, CfnTemplate>;
    for (const [kind, content] of Object.entries(EMAIL_TEMPLATES) as [NotificationKind, (typeof EMAIL_TEMPLATES)[NotificationKind]][]) {
      templates[kind] = new CfnTemplate(this, `Template-${kind}`, {
        template: { templateName: `${this.templatePrefix}${kind}`, subjectPart: content.subject, textPart: content.text, htmlPart: content.html },
      });
    }
    this.templates = templates;
  }

  /** The names of the templates, as the sender asks for them (`<prefix><kind>`). */
  get templateNames(): string[] {
    return Object.keys(this.templates).map((kind) => `${this.templatePrefix}${kind}`);
  }

  /** What `functions/runtime/notifier.ts` reads. */
  get environment(): Record<string, string> {
    return { EVENT_BUS_NAME: this.bus.eventBusName, SES_TEMPLATE_PREFIX: this.templatePrefix, ...mailEnvironment(this.settings) };
  }

  /**
   * Put events on the bus; send e-mail with these templates from the stage's sender alone (its
   * address identity or its domain's, and its configuration set). No sender: no SES permission.
   */
  grantSend(fn: LoyaltyFunction): void {
    fn.grantPutEvents(this.bus);
    const sender = this.settings.sesSenderEmail;
    if (!sender) return;
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ses', resource, resourceName });
    const resources = [arn('identity', sender), arn('identity', sender.split('@')[1]!), ...this.templateNames.map((name) => arn('template', name))];
    if (this.settings.sesConfigurationSet) resources.push(arn('configuration-set', this.settings.sesConfigurationSet));
    fn.function.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
  }
}

/**
 * `SES_SENDER_EMAIL` and `SES_CONFIGURATION_SET`, for the functions that mail customers and for the
 * API (whose admin Setup screen says whether mail goes out); each only when the stage sets it.
 */
export function mailEnvironment(settings: StageSettings): Record<string, string> {
  return {
    ...(settings.sesSenderEmail ? { SES_SENDER_EMAIL: settings.sesSenderEmail } : {}),
    ...(settings.sesConfigurationSet ? { SES_CONFIGURATION_SET: settings.sesConfigurationSet } : {}),
  };
}
