/**
 * The service's Powertools log lines, captured instead of printed. With `POWERTOOLS_DEV` set the
 * Logger (and every child it makes) writes through the global console, which this replaces; each
 * line is the JSON object the Logger would have printed.
 */
import { vi } from 'vitest';

export interface LogLine {
  level: string;
  message: string;
  [attribute: string]: unknown;
}

export function captureLogs(): { lines: LogLine[]; restore: () => void } {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  const lines: LogLine[] = [];
  const record = (text?: unknown) => {
    try {
      lines.push(JSON.parse(String(text)) as LogLine);
    } catch {
      lines.push({ level: 'RAW', message: String(text) });
    }
  };
  const spies = (['debug', 'info', 'warn', 'error', 'log'] as const).map((method) => vi.spyOn(console, method).mockImplementation(record));
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
    },
  };
}

/** Lines at WARN or above that name the delivery. */
export function failuresLoggedFor(lines: LogLine[], webhookId: string): LogLine[] {
  return lines.filter((line) => ['WARN', 'ERROR', 'CRITICAL'].includes(line.level) && line.webhookId === webhookId);
}
