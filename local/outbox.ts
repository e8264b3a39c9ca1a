/**
 * The local outlet: the messages the notifier would have sent, and the data exports the privacy
 * webhooks ask for, kept in `outbox.jsonl` under the data directory (or in memory with
 * LOYALTY_IN_MEMORY), newest first behind `GET /dev/outbox`. The same id again changes nothing,
 * as a real outlet's receiver would dedupe it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Notification, Notifier } from '../shared/notify/notification.ts';
import { exportName, type DataExportSink, type ExportRequest } from '../shared/privacy/privacy.ts';

export type SentMessage = (Notification | { id: string; kind: 'data-export'; document: Record<string, unknown> }) & { sentAt: string };

export class LocalOutbox implements Notifier, DataExportSink {
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
    this.record(notification);
  }

  async export(request: ExportRequest, build: () => Promise<Record<string, unknown>>): Promise<string> {
    const name = exportName(request);
    this.record({ id: name, kind: 'data-export', document: await build() });
    return `outbox:${name}`;
  }

  private record(entry: Notification | { id: string; kind: 'data-export'; document: Record<string, unknown> }): void {
    if (this.messages.some((message) => message.id === entry.id)) return;
    const message = { ...entry, sentAt: this.clock().toISOString() } as SentMessage;
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

  /** The customer messages only, newest first. */
  notifications(): (Notification & { sentAt: string })[] {
    return this.list().filter((message): message is Notification & { sentAt: string } => message.kind !== 'data-export');
  }
}
