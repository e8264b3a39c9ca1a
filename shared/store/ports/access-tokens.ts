/**
 * A shop's Shopify Admin API tokens, in an item of their own (never on the shop record that every
 * webhook reads). The tokens are sealed by a `TokenCipher` before they get here.
 */
export interface StoredAccessToken {
  shop: string;
  /** Sealed as `sealedWith` says. */
  accessToken: string;
  refreshToken?: string;
  sealedWith: 'kms' | 'none';
  /** When the access token stops working; absent for one that does not expire. */
  expiresAt?: string;
  refreshTokenExpiresAt?: string;
  scope?: string;
  /** `needs-reauth`: Shopify refused its refresh; the next session token of the shop exchanges again. */
  status: 'ok' | 'needs-reauth';
  obtainedAt: string;
  /** While one caller refreshes the token, others wait for its result instead of refreshing too. */
  refreshingUntil?: string;
  rev: number;
}

/** The port of the shop's token item: every write is conditional on the revision read. */
export interface AccessTokenStore {
  getAccessToken(shop: string): Promise<StoredAccessToken | undefined>;
  /** Writes the record as revision `expectedRev + 1`; false when the stored one is not at `expectedRev` (0: none stored). */
  putAccessToken(token: Omit<StoredAccessToken, 'rev'>, expectedRev: number): Promise<boolean>;
  /** Forgets the shop's tokens (the app was uninstalled). */
  deleteAccessToken(shop: string): Promise<void>;
}
