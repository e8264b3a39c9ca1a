/**
 * Bundle budget (`npm run bench`): bundles every Lambda entry exactly as the stack does (the same
 * `bundleOptions`), then prints each bundle's size and its cold module-load time — a fresh `node`
 * importing the bundle, median of several runs — beside a naive receiver (classic zod, whole SDK
 * clients, the SDK's default credential chain). For a bundle over budget it lists what weighs most (esbuild's metafile, by package).
 * It prints figures against the goals; it never fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PROJECT_ROOT, bundleOptions, lambdaEntries } from '../infra/bundle-options.ts';
import { recordGoal } from './summary.ts';

const RUNS = 7;
/** Back-to-back receiver and yardstick imports the load-time ratio is taken from. */
const RATIO_PAIRS = 21;
const SIZE_BUDGET_KB = 500;
const LOAD_RATIO_GOAL = 0.6;
const NAIVE_ENTRY = 'bench/naive-receiver.ts';
/** Entries the stack deploys that `lambdaEntries` may not list yet (the stream's aggregator). */
const ALSO_DEPLOYED: Record<string, string> = { figuresAggregator: 'functions/figures-aggregator/index.ts' };
const entries: Record<string, string> = { ...lambdaEntries };
for (const [name, entry] of Object.entries(ALSO_DEPLOYED)) if (!Object.values(entries).includes(entry)) entries[name] = entry;
/** Parts listed for a bundle over budget. */
const OVER_PARTS = 8;

/** What module init reads; dummies, so nothing throws and nothing calls AWS. */
const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  TABLE_NAME: 'bench-table',
  QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/bench-queue',
  SHOP_REDACT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/bench-shop-redact',
  OUTBOUND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/bench-outbound',
  OUTBOUND_EVENT_BUS_NAME: 'bench-outbound-bus',
  EXPORT_BUCKET: 'bench-exports',
  EVENT_BUS_NAME: 'bench-bus',
  SHOPIFY_API_SECRET: 'bench-secret',
  SHOPIFY_API_KEY: 'bench-key',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'bench',
  // As on Lambda (the function construct sets it): loading the source map is part of a cold start.
  NODE_OPTIONS: '--enable-source-maps',
};

/** Runs in the child: time the import alone, not node's own start. */
const IMPORT_AND_TIME = 'const start = performance.now(); await import(process.argv[1]); console.log(performance.now() - start);';

interface Measured {
  name: string;
  file: string;
  sizeKb: number;
  loadMs: number;
  /** The packages (or source folders) that weigh most in the bundle, heaviest first. */
  heaviest: { name: string; kb: number }[];
}

async function bundle(entry: string, outdir: string, alias: Record<string, string>): Promise<{ file: string; heaviest: Measured['heaviest'] }> {
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    absWorkingDir: PROJECT_ROOT,
    outfile,
    bundle: true,
    platform: bundleOptions.platform,
    target: bundleOptions.target,
    format: bundleOptions.format,
    minify: bundleOptions.minify,
    sourcemap: bundleOptions.sourcemap,
    sourcesContent: bundleOptions.sourcesContent,
    mainFields: [...bundleOptions.mainFields],
    external: [...bundleOptions.external],
    banner: { js: bundleOptions.banner },
    alias,
    logLevel: 'error',
    metafile: true,
  });
  const weights = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      weights.set(owner, (weights.get(owner) ?? 0) + bytesInOutput);
    }
  }
  const heaviest = [...weights].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, kb: bytes / 1024 }));
  return { file: outfile, heaviest };
}

function importOnce(file: string): number {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_AND_TIME, pathToFileURL(file).href], { env: CHILD_ENV, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing ${file} failed:\n${child.stderr}`);
  return Number(child.stdout.trim().split('\n').at(-1));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function loadTimeMs(file: string): number {
  importOnce(file); // warm the file cache, as every later run is
  return median(Array.from({ length: RUNS }, () => importOnce(file)));
}

/**
 * The receiver's load time over the yardstick's, from runs taken in pairs, one right after the
 * other, so that whatever else the machine is doing weighs on both alike.
 */
function pairedRatio(file: string, yardstick: string, pairs: number): number {
  importOnce(file);
  importOnce(yardstick);
  return median(Array.from({ length: pairs }, () => importOnce(file) / importOnce(yardstick)));
}

async function measure(name: string, entry: string, workdir: string, alias: Record<string, string>): Promise<Measured> {
  const { file, heaviest } = await bundle(entry, join(workdir, name), alias);
  return { name, file, sizeKb: statSync(file).size / 1024, loadMs: loadTimeMs(file), heaviest };
}

const workdir = mkdtempSync(join(tmpdir(), 'loyalty-bench-'));
try {
  const functions: Measured[] = [];
  for (const [name, entry] of Object.entries(entries)) functions.push(await measure(name, entry, workdir, { ...bundleOptions.alias }));
  // The yardstick keeps the SDK's default credential chain: swapping it out is one of the things
  // a naive bundle does not do.
  const naive = await measure('naiveReceiver', NAIVE_ENTRY, workdir, {});

  console.log(`Lambda bundles (${bundleOptions.format}, ${bundleOptions.target}, minified, everything bundled); load = median of ${RUNS} fresh node ${process.version} imports\n`);
  console.log(`${'function'.padEnd(18)}${'size KB'.padStart(10)}${'load ms'.padStart(10)}  budget ≤ ${SIZE_BUDGET_KB} KB`);
  for (const row of [...functions, naive]) {
    const verdict = row === naive ? '(yardstick)' : row.sizeKb <= SIZE_BUDGET_KB ? 'ok' : 'OVER';
    console.log(`${row.name.padEnd(18)}${row.sizeKb.toFixed(1).padStart(10)}${row.loadMs.toFixed(1).padStart(10)}  ${verdict}`);
  }
  console.log('\nheaviest parts:');
  for (const row of [...functions, naive]) {
    const parts = row.heaviest.slice(0, row !== naive && row.sizeKb > SIZE_BUDGET_KB ? OVER_PARTS : 3);
    console.log(`  ${row.name.padEnd(18)}${parts.map((part) => `${part.name} ${part.kb.toFixed(0)} KB`).join(', ')}`);
  }

  const receiver = functions.find((row) => row.name === 'webhookReceiver');
  if (receiver) {
    const ratio = pairedRatio(receiver.file, naive.file, RATIO_PAIRS);
    console.log(`\nreceiver / naive load time (median of ${RATIO_PAIRS} back-to-back pairs): ${ratio.toFixed(2)}  goal ≤ ${LOAD_RATIO_GOAL}: ${ratio <= LOAD_RATIO_GOAL ? 'met' : 'NOT met'}`);
    recordGoal({ figure: 'receiver cold load ÷ naive bundle', value: ratio.toFixed(2), goal: `≤ ${LOAD_RATIO_GOAL}`, met: ratio <= LOAD_RATIO_GOAL });
  }
  const over = functions.filter((row) => row.sizeKb > SIZE_BUDGET_KB).map((row) => row.name);
  console.log(`size budget: ${over.length === 0 ? 'met' : `NOT met by ${over.join(', ')}`}`);
  const largest = functions.reduce((a, b) => (b.sizeKb > a.sizeKb ? b : a));
  recordGoal({
    figure: `every bundle (${functions.length} functions)`,
    value: over.length ? `${over.length} over: ${functions.filter((row) => row.sizeKb > SIZE_BUDGET_KB).map((row) => `${row.name} ${row.sizeKb.toFixed(0)}`).join(', ')}` : `largest ${largest.name} ${largest.sizeKb.toFixed(0)} KB`,
    goal: `≤ ${SIZE_BUDGET_KB} KB`,
    met: over.length === 0,
  });
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
