/**
 * How Shopify access and refresh tokens are sealed before they are stored, and opened after they
 * are read. In the cloud a KMS key seals them (`kms-token-cipher.ts`), with the shop as the
 * encryption context, so a sealed token copied onto another shop's item does not open; locally,
 * and wherever no key is configured, they are kept as they are (`plainTokenCipher`).
 */

/** The port: seal before writing, open after reading. */
export interface TokenCipher {
  /** Recorded on the stored item, so a token sealed one way is opened the same way. */
  readonly kind: 'kms' | 'none';
  seal(token: string, shop: string): Promise<string>;
  open(sealed: string, shop: string): Promise<string>;
}

/** No encryption of its own: local runs and tests (the local table is on the developer's disk). */
export const plainTokenCipher: TokenCipher = {
  kind: 'none',
  seal: async (token) => token,
  open: async (sealed) => sealed,
};
