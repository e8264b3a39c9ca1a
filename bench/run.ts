/**
 * `npm run bench`: every benchmark, one after the other, each in a process of its own, then one
 * table of every figure beside its goal. It prints; it never fails (a benchmark that crashes is
 * said, and the others still run).
 *
 * Smaller runs: `BENCH_WEBHOOKS` (per concurrency level), `BENCH_FILL` (orders filled into one
 * shop's day), `BENCH_JOB_LOTS` (due lots for the expire job).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printGoals, readGoals, SUMMARY_FILE_ENV } from './summary.ts';

const PARTS = ['webhooks.ts', 'jobs.ts', 'bundles.ts', 'admin-page.ts'];

const dir = mkdtempSync(join(tmpdir(), 'loyalty-bench-summary-'));
const file = join(dir, 'goals.jsonl');
const started = performance.now();
const crashed: string[] = [];
try {
  for (const part of PARTS) {
    console.log(`\n==== bench/${part} ====\n`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${part}`, import.meta.url))], {
      stdio: 'inherit',
      env: { ...process.env, [SUMMARY_FILE_ENV]: file },
    });
    if (child.status !== 0) crashed.push(`bench/${part} (exit ${child.status ?? child.signal})`);
  }
  console.log(`\n==== every figure beside its goal (${((performance.now() - started) / 60_000).toFixed(1)} minutes in all) ====\n`);
  printGoals(readGoals(file));
  if (crashed.length) console.log(`\nnot measured: ${crashed.join(', ')} stopped with an error (see above)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
