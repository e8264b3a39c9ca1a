/** What the HTTP app is given: it reads no environment and no clock of its own. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../clock.ts';
import type { LoyaltyEvent } from '../earning/events.ts';
import type { ProcessEventOutcome } from '../earning/process-event.ts';
import type { PrivacyOutcome } from '../privacy/privacy.ts';
import type { DiscountIssuer } from '../shopify/admin-graphql.ts';
import type { LoyaltyStore, WebhookDeliveryLog } from '../store/ports.ts';
import type { ShopAccessTokens } from '../shopify/access-tokens.ts';
import type { ProductSetSource } from '../shopify/product-sets.ts';
import type { CustomerDirectory } from '../migration/import-members.ts';
import type { MemberImportStore } from '../store/ports/member-import.ts';

export interface AppSecrets {
  /** The app's client secret: webhook HMACs, App Proxy signatures and session tokens. */
  apiSecret: string;
  /** The app's client id (API key): the `aud` of session tokens. */
  apiKey: string;
}

/** Where customer e-mail is sent from, as the environment sets it. */
export interface MailSettings {
  senderEmail?: string;
  configurationSet?: string;
}

/** A webhook that passed its signature and shape checks. */
export interface VerifiedDelivery {
  shop: string;
  topic: string;
  webhookId?: string;
  eventId?: string;
  event: LoyaltyEvent;
  /** The raw body, for a receiver that hands the delivery on (to SQS) instead of processing it. */
  rawBody: string;
}

export interface AppDeps {
  store: LoyaltyStore;
  /** Where coupons become Shopify discount codes. */
  discounts: DiscountIssuer;
  /** Read once per container in the cloud, so a function. */
  secrets: () => Promise<AppSecrets>;
  clock: Clock;
  logger: Logger;
  /** The shops' Admin API tokens: exchanged on a session token, shown on the Setup screen. None: never exchanged. */
  accessTokens?: ShopAccessTokens;
  /** When each webhook topic last arrived, for the Setup screen. */
  deliveryLog?: WebhookDeliveryLog;
  /** The e-mail sender settings (`SES_SENDER_EMAIL`, `SES_CONFIGURATION_SET`), for the Setup screen. */
  mail?: MailSettings;
  /** The members CSV import's reads and writes (`/admin/imports`); none: the import answers 503. */
  memberImports?: MemberImportStore;
  /** Who the shop's email addresses belong to at Shopify (the import's rows without a customer id). */
  customers?: CustomerDirectory;
  /** Where collection and tag campaigns learn their products (the Admin API); none: such campaigns answer 503. */
  productSets?: ProductSetSource;
  /** Processes a verified delivery inline (local server) or hands it to a queue (cloud receiver). */
  deliver: (delivery: VerifiedDelivery, now: Date) => Promise<ProcessEventOutcome | PrivacyOutcome | { outcome: 'queued' }>;
}

/** Shopify's webhooks are far smaller; the contract asks that at least 1 MiB is accepted. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** What the storefront and admin API need: everything but webhook delivery. */
export type ApiDeps = Omit<AppDeps, 'deliver'>;

/** What the webhook intake needs: no store, so the cloud receiver does not touch the table. */
export type WebhookDeps = Pick<AppDeps, 'secrets' | 'clock' | 'logger' | 'deliver'>;
