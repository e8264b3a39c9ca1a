/** Errors of the Shopify edge. Each has a stable `type`, shared by the HTTP answer, the logs and the tests. */

export class ShopifyError extends Error {
  readonly type: string = 'shopify-error';
}

/** A webhook body that is not JSON, or not the shape its topic needs. */
export class InvalidPayloadError extends ShopifyError {
  override readonly type = 'invalid-payload';
  constructor(
    message: string,
    readonly problems: { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InvalidPayloadError';
  }
}

/**
 * Shopify's token endpoint refused a token exchange or a refresh (a 4xx: `invalid_grant`, a
 * session token it does not accept, a revoked refresh token). Asking again with the same grant
 * changes nothing.
 */
export class TokenRefusedError extends ShopifyError {
  override readonly type = 'token-exchange-refused';
  constructor(
    readonly grant: 'token-exchange' | 'refresh-token',
    readonly status: number,
    /** Shopify's OAuth `error` code, when it gave one (`invalid_grant`, `invalid_subject_token`, …). */
    readonly error: string | undefined,
  ) {
    super(`Shopify refused the ${grant === 'token-exchange' ? 'token exchange' : 'token refresh'} (${status}${error ? ` ${error}` : ''})`);
    this.name = 'TokenRefusedError';
  }
}

/** Shopify's token endpoint did not answer, answered 5xx or 429, or answered what is not a token: try again later. */
export class TokenEndpointUnavailableError extends ShopifyError {
  override readonly type = 'token-endpoint-unavailable';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'TokenEndpointUnavailableError';
  }
}
