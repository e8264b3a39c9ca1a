/**
 * `npm run job -- <name> [--now ISO]`: runs a scheduled job on the running local server, as of
 * `now` (default: the server's clock), and prints what it did. The jobs: expire, activate, remind,
 * winback, issue-coupons.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';

const { values, positionals } = parseArgs({ options: { now: { type: 'string' } }, allowPositionals: true });
const name = positionals[0];
if (!name) {
  process.stderr.write('usage: npm run job -- <expire|activate|remind|winback|issue-coupons> [--now 2026-12-01T00:00:00Z]\n');
  process.exit(2);
}
const base = process.env.LOYALTY_URL ?? `http://127.0.0.1:${loadConfig().port}`;
const query = values.now ? `?now=${encodeURIComponent(values.now)}` : '';
try {
  const response = await fetch(`${base}/dev/jobs/${encodeURIComponent(name)}${query}`, { method: 'POST' });
  process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
  if (!response.ok) process.exit(1);
} catch (error) {
  process.stderr.write(`could not reach the service at ${base}: ${error instanceof Error ? error.message : String(error)} (is \`npm start\` running?)\n`);
  process.exit(1);
}
