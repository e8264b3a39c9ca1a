/**
 * The event outlet: every notification, whole, as one event on the service's EventBridge bus
 * (source `loyalty`, detail-type the kind), for stores that mail through Klaviyo or similar: a
 * rule on the bus forwards it. The event carries the notification id, so a consumer can drop a
 * resend.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Notification, Notifier } from './notification.ts';

export interface EventBridgeNotifierOptions {
  client: EventBridgeClient;
  eventBusName: string;
}

export const EVENT_SOURCE = 'loyalty';

/** EventBridge accepted the call but not the event (throttled, too large, bus gone): worth a retry. */
export class EventRejectedError extends Error {
  readonly type = 'event-rejected';
  constructor(
    readonly notificationId: string,
    readonly errorCode: string | undefined,
    errorMessage: string | undefined,
  ) {
    super(`EventBridge did not accept the event for notification ${notificationId}: ${errorCode ?? 'no error code'}: ${errorMessage ?? 'no message'}`);
    this.name = 'EventRejectedError';
  }
}

export class EventBridgeNotifier implements Notifier {
  constructor(private readonly options: EventBridgeNotifierOptions) {}

  async send(notification: Notification): Promise<void> {
    const result = await this.options.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: EVENT_SOURCE,
            DetailType: notification.kind,
            Detail: JSON.stringify(notification),
            EventBusName: this.options.eventBusName,
            Time: new Date(notification.createdAt),
          },
        ],
      }),
    );
    // PutEvents answers 200 even when it refuses an entry; only the count says so.
    if ((result.FailedEntryCount ?? 0) > 0) {
      const entry = result.Entries?.[0];
      throw new EventRejectedError(notification.id, entry?.ErrorCode, entry?.ErrorMessage);
    }
  }
}
