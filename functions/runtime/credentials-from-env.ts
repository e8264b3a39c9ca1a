/**
 * What the Lambda bundles get in place of `@aws-sdk/credential-provider-node`, the AWS SDK's default
 * credential chain: esbuild swaps the package for this file (`alias` in `infra/bundle-options.ts`).
 *
 * Why: on Lambda the function's credentials are always environment variables
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), the first link of the
 * default chain and the only one it ever uses there. The other links (SSO, shared INI files,
 * web identity, `credential_process`, container and instance metadata) and the small STS and SSO
 * clients they bring are 108–132 KB of every bundle and a share of the cold load. Local runs and
 * tests import the sources, not the bundles, so they keep the full chain (profiles, SSO).
 *
 * What would break: a bundled function that needs another credential source, say one that
 * assumes a role through a profile or reads a web-identity token file. None does; each client
 * uses the execution role. Such a function would fail its first AWS call with "Unable to find
 * environment variable credentials", or could pass `credentials` to its client explicitly.
 *
 * The SDK clients import `defaultProvider` alone from that package (their `runtimeConfig`), and
 * call it with their config as the init object; a missing export would fail the bundle build.
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The SDK's `defaultProvider(init)`, reduced to its environment-variable link. */
export const defaultProvider = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);
