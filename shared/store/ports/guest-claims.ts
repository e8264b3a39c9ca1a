/** The port of guest claims: the claims still open for an email (their writes go with a change's commit). */
import type { GuestClaim } from '../../ledger/types.ts';

export interface GuestClaimStore {
  /** Claims of this email hash not claimed yet, at most `limit`, the oldest orders first (consistent). */
  openGuestClaims(shop: string, emailHash: string, limit: number): Promise<GuestClaim[]>;
}
