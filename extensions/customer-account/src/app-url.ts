/**
 * The backend's base URL, fixed when the extension is bundled: `npm run build:customer-account`
 * and Shopify CLI (`shopify app deploy`, which hands every environment variable to its esbuild as
 * `process.env.NAME`) both replace `process.env.LOYALTY_APP_URL` with the value of that variable
 * at build time. Unset, it is the placeholder of shopify.app.toml, which a deployed app must not
 * keep.
 */
export const PLACEHOLDER_APP_URL = 'https://replace-with-api-id.execute-api.us-east-1.amazonaws.com';

function configuredAppUrl(): string | undefined {
  try {
    return process.env.LOYALTY_APP_URL;
  } catch {
    // No bundler replaced it and the extension's worker has no `process`.
    return undefined;
  }
}

export const APP_URL: string = configuredAppUrl() || PLACEHOLDER_APP_URL;
