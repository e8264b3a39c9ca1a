/**
 * `npm run job -- <name> [--now ISO] [--port N]`: runs a scheduled job on the running local
 * server, as of `now` (default: the server's clock), and prints what it did. The jobs: expire,
 * activate, remind, winback, tiers, issue-coupons, export-data. Locally a job has no time budget:
 * it goes on until nothing due is left.
 */
import { parseArgs } from 'node:util';
import { PORT_HELP, serviceUrl } from './config.ts';

const USAGE = [
  'usage: npm run job -- <expire|activate|remind|winback|lifecycle|tiers|issue-coupons|export-data> [--now 2026-12-01T00:00:00Z] [--port N]',
  '  --now ISO    run the job as of this instant (default: the server\'s clock)',
  PORT_HELP,
  '',
].join('\n');

let parsed;
try {
  parsed = parseArgs({ options: { now: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const name = positionals[0];
if (!name) {
  process.stderr.write(USAGE);
  process.exit(2);
}
let base: string;
try {
  base = serviceUrl(values.port);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const query = values.now ? `?now=${encodeURIComponent(values.now)}` : '';
try {
  const response = await fetch(`${base}/dev/jobs/${encodeURIComponent(name)}${query}`, { method: 'POST' });
  process.stdout.write(`${JSON.stringify(await response.json(), null, 2)}\n`);
  if (!response.ok) process.exit(1);
} catch (error) {
  process.stderr.write(`could not reach the service at ${base}: ${error instanceof Error ? error.message : String(error)} (is \`npm start\` running? on another port, pass --port N)\n`);
  process.exit(1);
}
