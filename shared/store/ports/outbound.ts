/**
 * The port of the outbound pipeline's bookkeeping: per member, the metafield sync window; per shop,
 * the program version written; per event and destination, a marker taken before sending.
 */
import type { MemberSyncState } from '../../stream/outbound-work.ts';

export interface OutboundStore {
  memberSyncState(shop: string, customerId: string): Promise<MemberSyncState | undefined>;
  /** Lets one write through the window: true unless `syncedAt` is no longer `expected` (another sync took it). */
  takeMemberSync(shop: string, customerId: string, expected: string | undefined, now: Date): Promise<boolean>;
  /** Remembers what was written (only a sync with other values writes again). */
  recordMemberSynced(shop: string, customerId: string, fingerprint: string, now: Date): Promise<void>;
  /**
   * Schedules the one sync at the window's end `until`: false when another is scheduled already
   * (not yet due, and not `own`, the deferral this sync itself carries).
   */
  scheduleMemberSync(shop: string, customerId: string, until: string, now: Date, own?: string): Promise<boolean>;
  /** The program version and currency last written to the shop's metafield (`version:currency`). */
  programWritten(shop: string): Promise<string | undefined>;
  recordProgramWritten(shop: string, written: string, now: Date): Promise<void>;
  /** Takes the marker of an event for a destination: false when it was taken before (sent or being sent). */
  takeEventMarker(shop: string, eventId: string, destination: string, now: Date): Promise<boolean>;
  /** Gives the marker back after a failure worth retrying. */
  releaseEventMarker(shop: string, eventId: string, destination: string): Promise<void>;
}
