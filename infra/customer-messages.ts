/**
 * Where customer messages go: an EventBridge bus of the service's own (every notification as an
 * event, for a rule to forward to Klaviyo or similar) and the SES templates of the e-mails. A job
 * that sends messages gets `environment` and `grantSend`; nothing else can reach either.
 */
import { EventBus } from 'aws-cdk-lib/aws-events';
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

  constructor(scope: Construct, id: string, props: CustomerMessagesProps) {
    super(scope, id);
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
    return { EVENT_BUS_NAME: this.bus.eventBusName, SES_TEMPLATE_PREFIX: this.templatePrefix };
  }

  /** Put events on the bus; send e-mail with these templates (from any identity in the account). */
  grantSend(fn: LoyaltyFunction): void {
    fn.grantPutEvents(this.bus);
    fn.grantSendTemplatedEmail(this.templateNames);
  }
}
