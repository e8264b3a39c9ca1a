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
