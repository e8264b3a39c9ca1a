/**
 * The storage ports: what the use cases need from a database, one small interface per seam in
 * `ports/` (the records they carry in `records.ts`). `LoyaltyStore` is all of them together, for
 * callers that use several; `store/dynamodb/` is the adapter, one file per seam. Tests run it
 * against DynamoDB Local, never a mock.
 */
import type { AdminStore } from './ports/admin.ts';
import type { CouponStore } from './ports/coupons.ts';
import type { DueIndex } from './ports/due-index.ts';
import type { EventStore } from './ports/events.ts';
import type { FigureStore } from './ports/figures.ts';
import type { JobProgressStore } from './ports/job-progress.ts';
import type { NotificationOutbox } from './ports/notification-outbox.ts';
import type { PrivacyStore } from './ports/privacy.ts';
import type { RateLimitStore } from './ports/rate-limits.ts';
import type { CampaignStore } from './ports/campaigns.ts';
import type { BirthdayStore } from './ports/birthdays.ts';
import type { GuestClaimStore } from './ports/guest-claims.ts';
import type { ReferralStore } from './ports/referrals.ts';
import type { LifecycleStore } from './ports/lifecycle.ts';
export type { LifecycleStore } from './ports/lifecycle.ts';
export type { ReferralStore } from './ports/referrals.ts';

export type { ExportRequest, ProgramChange, Shop } from './records.ts';
export type { AdminStore } from './ports/admin.ts';
export type { AccessTokenStore, StoredAccessToken } from './ports/access-tokens.ts';
export type { CouponStore } from './ports/coupons.ts';
export type { DueIndex, DueLot } from './ports/due-index.ts';
export type { CommitRequest, CommitResult, EventReadRequest, EventReads, EventStore } from './ports/events.ts';
export type { FigureStore, StoredFigures } from './ports/figures.ts';
export type { JobProgress, JobProgressStore } from './ports/job-progress.ts';
export type { NotificationOutbox, NotificationRecord, NotificationRef } from './ports/notification-outbox.ts';
export { InvalidCursorError, type Page } from './ports/page.ts';
export type { PrivacyStore } from './ports/privacy.ts';
export type { RateLimitStore } from './ports/rate-limits.ts';
export type { CampaignProductSet, CampaignStore } from './ports/campaigns.ts';
export type { WebhookDeliveryLog } from './ports/webhook-deliveries.ts';
export type { BirthdayStore, DueBirthday } from './ports/birthdays.ts';
export type { GuestClaimStore } from './ports/guest-claims.ts';

/** Every seam of the loyalty table together (the access tokens and the delivery log stand apart). */
export interface LoyaltyStore extends EventStore, DueIndex, NotificationOutbox, CouponStore, PrivacyStore, AdminStore, FigureStore, RateLimitStore, JobProgressStore, BirthdayStore, GuestClaimStore, CampaignStore {
  /** Referral codes, claims and settlement (docs/referrals.md). */
  readonly referrals: ReferralStore;
  /** Lifecycle stages due to move, and the priority lists (docs/lifecycle.md). */
  readonly lifecycle: LifecycleStore;
}
