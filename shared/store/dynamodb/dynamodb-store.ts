/**
 * The DynamoDB adapter of the whole `LoyaltyStore`: one table, one adapter per seam, and this thin
 * class answering for all of them, for callers that use several. Conditions instead of
 * read-modify-write throughout.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LedgerEntry, Lot, Member, Order } from '../../ledger/types.ts';
import type { Notification } from '../../notify/notification.ts';
import type { Coupon, CouponStatus } from '../../rewards/coupon.ts';
import type { CommitRequest, CommitResult, DueLot, EventReadRequest, EventReads, LoyaltyStore, NotificationRecord, NotificationRef, Page, StoredFigures } from '../ports.ts';
import type { ExportRequest, ProgramChange, Shop } from '../records.ts';
import type { DueMember, DueRange } from '../ports/due-index.ts';
import type { JobProgress } from '../ports/job-progress.ts';
import type { FigureBatch, FigureBatchResult } from '../ports/figures.ts';
import { DynamoDbAdminStore } from './admin.ts';
import { DynamoDbCouponStore } from './coupons.ts';
import { DynamoDbDueIndex } from './due-index.ts';
import { DynamoDbEventStore } from './events.ts';
import { DynamoDbFigureStore } from './figures.ts';
import { DynamoDbJobProgress } from './job-progress.ts';
import { DynamoDbNotificationOutbox } from './notification-outbox.ts';
import { DynamoDbPrivacyStore } from './privacy.ts';
import { DynamoDbRateLimitStore } from './rate-limits.ts';
import { ShopRecordCache } from './shop-cache.ts';
import { DynamoDbReferralStore } from './referrals.ts';
import { DynamoDbLifecycleStore } from './lifecycle.ts';
import { DynamoDbCampaignStore } from './campaigns.ts';
import type { Campaign, CampaignBook, RunningCampaign } from '../../campaigns/campaign.ts';
import type { CampaignProductSet } from '../ports/campaigns.ts';
import { DynamoDbBirthdays } from './birthdays.ts';
import { DynamoDbGuestClaims } from './guest-claims.ts';
import type { DueBirthday } from '../ports/birthdays.ts';
import type { Change } from '../../earning/change.ts';
import type { GuestClaim } from '../../ledger/types.ts';

export { IDEMPOTENCY_TTL_DAYS } from './events.ts';

export class DynamoDbStore implements LoyaltyStore {
  readonly events: DynamoDbEventStore;
  readonly dueIndex: DynamoDbDueIndex;
  readonly notifications: DynamoDbNotificationOutbox;
  readonly coupons: DynamoDbCouponStore;
  readonly privacy: DynamoDbPrivacyStore;
  readonly admin: DynamoDbAdminStore;
  readonly figures: DynamoDbFigureStore;
  readonly rateLimits: DynamoDbRateLimitStore;
  readonly jobProgressItems: DynamoDbJobProgress;
  /** Referral codes, claims and settlement (docs/referrals.md). */
  readonly referrals: DynamoDbReferralStore;
  /** Lifecycle stages due to move, and the priority lists (docs/lifecycle.md). */
  readonly lifecycle: DynamoDbLifecycleStore;
  readonly campaignItems: DynamoDbCampaignStore;
  readonly birthdays: DynamoDbBirthdays;
  readonly guestClaims: DynamoDbGuestClaims;

  constructor(client: DynamoDBClient, tableName: string, options: { shopCacheTtlMs?: number } = {}) {
    // One cache of shop records per store (per container): webhooks read it, a program saved here forgets it.
    const shops = new ShopRecordCache(options.shopCacheTtlMs);
    // Campaigns first: a paid order's batch read brings them to the campaign store's cache.
    this.campaignItems = new DynamoDbCampaignStore(client, tableName, options.shopCacheTtlMs);
    this.events = new DynamoDbEventStore(client, tableName, shops, this.campaignItems);
    this.dueIndex = new DynamoDbDueIndex(client, tableName);
    this.notifications = new DynamoDbNotificationOutbox(client, tableName);
    this.coupons = new DynamoDbCouponStore(client, tableName);
    this.privacy = new DynamoDbPrivacyStore(client, tableName);
    this.admin = new DynamoDbAdminStore(client, tableName, shops);
    this.figures = new DynamoDbFigureStore(client, tableName);
    this.rateLimits = new DynamoDbRateLimitStore(client, tableName);
    this.jobProgressItems = new DynamoDbJobProgress(client, tableName);
    this.referrals = new DynamoDbReferralStore(client, tableName);
    this.lifecycle = new DynamoDbLifecycleStore(client, tableName);
    this.birthdays = new DynamoDbBirthdays(client, tableName);
    this.guestClaims = new DynamoDbGuestClaims(client, tableName);
  }

  // Event read and commit.
  readForEvent(request: EventReadRequest): Promise<EventReads> { return this.events.readForEvent(request); }
  getShop(shop: string): Promise<Shop | undefined> { return this.events.getShop(shop); }
  ensureShop(shop: Shop): Promise<Shop> { return this.events.ensureShop(shop); }
  getMember(shop: string, customerId: string): Promise<Member | undefined> { return this.events.getMember(shop, customerId); }
  getMemberAndLot(shop: string, customerId: string, lotId: string): Promise<{ member?: Member; lot?: Lot }> { return this.events.getMemberAndLot(shop, customerId, lotId); }
  getLots(shop: string, customerId: string, lotIds: string[]): Promise<Lot[]> { return this.events.getLots(shop, customerId, lotIds); }
  activeLots(shop: string, customerId: string): Promise<Lot[]> { return this.events.activeLots(shop, customerId); }
  ledger(shop: string, customerId: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>> { return this.events.ledger(shop, customerId, page); }
  getOrders(shop: string, orderIds: string[]): Promise<Order[]> { return this.events.getOrders(shop, orderIds); }
  getOrderAndLot(shop: string, orderId: string, customerId: string, lotId: string): Promise<{ order?: Order; lot?: Lot }> { return this.events.getOrderAndLot(shop, orderId, customerId, lotId); }
  commit(request: CommitRequest): Promise<CommitResult> { return this.events.commit(request); }
  idempotencyResult(shop: string, key: string): Promise<Record<string, unknown> | undefined> { return this.events.idempotencyResult(shop, key); }

  // The due index.
  dueLots(kind: 'EXPIRES' | 'PENDING', before: string, limit: number, after?: string): Promise<DueLot[]> { return this.dueIndex.dueLots(kind, before, limit, after); }
  dueLotPages(kind: 'EXPIRES' | 'PENDING', range: DueRange): AsyncIterable<DueLot[]> { return this.dueIndex.dueLotPages(kind, range); }
  dueMemberPages(range: DueRange): AsyncIterable<DueMember[]> { return this.dueIndex.dueMemberPages(range); }
  dueNotificationPages(range: DueRange): AsyncIterable<NotificationRef[]> { return this.dueIndex.dueNotificationPages(range); }
  dropEmptyDueLot(kind: 'EXPIRES' | 'PENDING', lot: DueLot): Promise<boolean> { return this.dueIndex.dropEmptyDueLot(kind, lot); }
  dueMembers(before: string, limit: number): Promise<{ shop: string; customerId: string }[]> { return this.dueIndex.dueMembers(before, limit); }
  dueCoupons(now: Date, limit: number): Promise<{ shop: string; code: string }[]> { return this.dueIndex.dueCoupons(now, limit); }
  dueNotifications(before: string, limit: number): Promise<NotificationRef[]> { return this.dueIndex.dueNotifications(before, limit); }
  dueExportRequests(before: string, limit: number): Promise<ExportRequest[]> { return this.dueIndex.dueExportRequests(before, limit); }

  // The notification outbox.
  hasNotification(ref: NotificationRef): Promise<boolean> { return this.notifications.hasNotification(ref); }
  queueNotification(notification: Notification, dueAt: string): Promise<boolean> { return this.notifications.queueNotification(notification, dueAt); }
  claimNotification(ref: NotificationRef, now: string, leaseUntil: string): Promise<NotificationRecord | undefined> { return this.notifications.claimNotification(ref, now, leaseUntil); }
  settleNotification(ref: NotificationRef, outcome: { sentAt: string } | { retryAt: string; error: string }): Promise<void> { return this.notifications.settleNotification(ref, outcome); }

  // Coupons.
  getCoupon(shop: string, code: string): Promise<Coupon | undefined> { return this.coupons.getCoupon(shop, code); }
  getCoupons(shop: string, codes: string[]): Promise<Coupon[]> { return this.coupons.getCoupons(shop, codes); }
  saveCoupon(coupon: Coupon, expected: CouponStatus, expectedAttempts?: number): Promise<boolean> { return this.coupons.saveCoupon(coupon, expected, expectedAttempts); }
  refundCoupon(coupon: Coupon, refund: { lot: Lot; entry: LedgerEntry }): Promise<boolean> { return this.coupons.refundCoupon(coupon, refund); }

  // Privacy.
  queueExportRequest(request: ExportRequest, dueAt: string): Promise<void> { return this.privacy.queueExportRequest(request, dueAt); }
  completeExportRequest(request: ExportRequest, location: string, at: string): Promise<void> { return this.privacy.completeExportRequest(request, location, at); }
  memberRecords(shop: string, customerId: string): Promise<Record<string, unknown>[]> { return this.privacy.memberRecords(shop, customerId); }
  redactMemberRecords(shop: string, customerId: string): Promise<number> { return this.privacy.redactMemberRecords(shop, customerId); }
  eraseShop(shop: string, options?: { maxItems?: number }): Promise<{ erased: number; done: boolean }> { return this.privacy.eraseShop(shop, options); }

  // Admin.
  saveProgram(current: Shop, next: Shop, change: ProgramChange): Promise<boolean> { return this.admin.saveProgram(current, next, change); }
  programHistory(shop: string, limit: number): Promise<ProgramChange[]> { return this.admin.programHistory(shop, limit); }
  listMembers(shop: string, query: { tier?: string; limit: number; cursor?: string }): Promise<Page<Member>> { return this.admin.listMembers(shop, query); }
  listShops(): Promise<Shop[]> { return this.admin.listShops(); }
  membersNotInTier(shop: string, tier: string, page: { limit: number; cursor?: string }): Promise<Page<Member>> { return this.admin.membersNotInTier(shop, tier, page); }

  // Jobs' progress.
  jobProgress(shop: string, job: string): Promise<JobProgress | undefined> { return this.jobProgressItems.jobProgress(shop, job); }
  saveJobProgress(shop: string, job: string, progress: JobProgress): Promise<void> { return this.jobProgressItems.saveJobProgress(shop, job, progress); }

  // Birthdays and guest claims.
  saveMemberBirthday(member: Member): Promise<boolean> { return this.birthdays.saveMemberBirthday(member); }
  commitBirthdayGrant(change: Change & { member: Member }): Promise<boolean> { return this.birthdays.commitBirthdayGrant(change); }
  dueBirthdayPages(range: DueRange): AsyncIterable<DueBirthday[]> { return this.birthdays.dueBirthdayPages(range); }
  openGuestClaims(shop: string, emailHash: string, limit: number): Promise<GuestClaim[]> { return this.guestClaims.openGuestClaims(shop, emailHash, limit); }

  // Bonus campaigns.
  campaignBook(shop: string): Promise<CampaignBook> { return this.campaignItems.campaignBook(shop); }
  recentCampaigns(shop: string, now: Date): Promise<Campaign[]> { return this.campaignItems.recentCampaigns(shop, now); }
  saveCampaignBook(shop: string, book: CampaignBook, campaigns: Campaign[], productSets: CampaignProductSet[]): Promise<boolean> { return this.campaignItems.saveCampaignBook(shop, book, campaigns, productSets); }
  campaignsRunningAt(shop: string, at: string, now: Date): Promise<RunningCampaign[]> { return this.campaignItems.campaignsRunningAt(shop, at, now); }

  // Figures and rate limits.
  readStats(shop: string, buckets: string[]): Promise<StoredFigures[]> { return this.figures.readStats(shop, buckets); }
  applyFigures(batch: FigureBatch): Promise<FigureBatchResult> { return this.figures.applyFigures(batch); }
  takeRateToken(shop: string, key: string, windowStart: string, limit: number, expiresAt: Date): Promise<boolean> { return this.rateLimits.takeRateToken(shop, key, windowStart, limit, expiresAt); }
}
