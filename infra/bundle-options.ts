/**
 * How every Lambda entry is bundled, in one object: the function construct hands it to
 * `NodejsFunction` and `bench/bundles.ts` hands it to esbuild, so the benchmark measures what
 * deploys. Plain data (no CDK import), so the benchmark stays cheap to start.
 */
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing slash: esbuild resolves `node_modules` and `#shared/*` from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const bundleOptions = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  // Stack traces only need the mappings; leaving the sources out keeps the zip small.
  sourcesContent: false,
  // `module` first: the AWS SDK ships ES modules there, which tree-shake far better than its CJS.
  mainFields: ['module', 'main'],
  // Everything is bundled, the AWS SDK and Powertools included: one pinned, tree-shaken copy
  // instead of whatever SDK version the Lambda runtime happens to carry.
  external: [] as string[],
  // ESM output still meets CommonJS dependencies that call `require` (node built-ins mostly).
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // On Lambda the credentials are environment variables: the SDK's default chain (SSO, INI files,
  // web identity, process, metadata; 108–132 KB a bundle) gives way to its `fromEnv` link alone.
  // Paths are resolved from the repository root (esbuild's working directory, here and in CDK).
  alias: {
    '@aws-sdk/credential-provider-node': './functions/runtime/credentials-from-env.ts',
  },
} as const;

/** Every Lambda entry the stack deploys, relative to the repository root. */
export const lambdaEntries = {
  webhookReceiver: 'functions/webhook-receiver/index.ts',
  webhookProcessor: 'functions/webhook-processor/index.ts',
  shopEraser: 'functions/shop-eraser/index.ts',
  api: 'functions/api/index.ts',
  appPage: 'functions/app-page/index.ts',
  issueCoupons: 'functions/issue-coupons/index.ts',
  expire: 'functions/expire/index.ts',
  activate: 'functions/activate/index.ts',
  remind: 'functions/remind/index.ts',
  winback: 'functions/winback/index.ts',
  lifecycle: 'functions/lifecycle/index.ts',
  tiers: 'functions/tiers/index.ts',
  referrals: 'functions/referrals/index.ts',
  birthdays: 'functions/birthdays/index.ts',
  exportData: 'functions/export-data/index.ts',
  figuresAggregator: 'functions/figures-aggregator/index.ts',
  outboundStream: 'functions/outbound-stream/index.ts',
  outboundSender: 'functions/outbound-sender/index.ts',
  reconcile: 'functions/reconcile/index.ts',
} as const;
