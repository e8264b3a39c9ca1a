/**
 * The local outlet: the messages the notifier would have sent, kept in `outbox.jsonl` under the
 * data directory (or in memory with LOYALTY_IN_MEMORY), newest first behind `GET /dev/outbox`.
 * Sending the same message id again changes nothing, as a real outlet's receiver would dedupe it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notification, Notifier } from '../shared/notify/notification.ts';

export interface SentMessage extends Notification {
  sentAt: string;
}

export class LocalOutbox implements Notifier {
  private readonly messages: SentMessage[] = [];

  constructor(
    private readonly file?: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) this.messages.push(JSON.parse(line) as SentMessage);
    }
  }

  async send(notification: Notification): Promise<void> {
    if (this.messages.some((message) => message.id === notification.id)) return;
    const message = { ...notification, sentAt: this.clock().toISOString() };
    this.messages.push(message);
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(message)}\n`);
    }
  }

  /** Newest first. */
  list(): SentMessage[] {
    return [...this.messages].reverse();
  }
}
