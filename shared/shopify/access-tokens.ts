/**
 * A shop's Admin API access token, from installation to every call: the first valid session token
 * of a shop without a usable token is exchanged for an expiring offline token; an access token
 * within a minute of its expiry is refreshed before use; a refused refresh marks the shop
 * `needs-reauth` until its admin is opened again; an uninstall forgets the tokens.
 *
 * Concurrency: the token item is written only on the revision read. A refresh first takes a short
 * lease on the item (a conditional write), so of two containers that find the token expiring, one
 * calls Shopify and stores the rotated refresh token; the other waits and uses what it stored.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../clock.ts';
import type { AccessTokenStore, StoredAccessToken } from '../store/ports.ts';
import { TokenEndpointUnavailableError, TokenRefusedError } from './errors.ts';
import type { ShopifyTokenEndpoint, TokenGrant } from './token-endpoint.ts';
import type { TokenCipher } from './token-cipher.ts';

/** An access token this close to its expiry is renewed before use. */
export const REFRESH_AHEAD_MS = 60_000;
/** How long a refresh may hold the token item before another caller may take over. */
const REFRESH_LEASE_MS = 15_000;
/** How long a caller waits for another's refresh, in steps, before it gives up for now. */
const WAIT_STEP_MS = 100;
const WAIT_STEPS = 50;

/** What the Setup screen shows of the shop's access token. */
export interface AccessTokenStatus {
  status: 'ok' | 'missing' | 'needs-reauth' | 'override';
  expiresAt?: string;
}

export interface ShopAccessTokensOptions {
  store: AccessTokenStore;
  cipher: TokenCipher;
  /**
   * Shopify's token endpoint; absent where there is none to reach (locally without
   * `SHOPIFY_ADMIN_URL`): then nothing is exchanged, and the log says so once.
   */
  endpoint?: ShopifyTokenEndpoint;
  /** `SHOPIFY_ADMIN_ACCESS_TOKENS`: shop → token, used as given, never exchanged or refreshed. */
  overrides?: Readonly<Record<string, string>>;
  clock: Clock;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
}

export class ShopAccessTokens {
  private readonly sleep: (ms: number) => Promise<void>;
  /** Exchanges in progress in this container, by shop: the admin page's first requests come together. */
  private readonly exchanging = new Map<string, Promise<void>>();
  private toldNoEndpoint = false;

  constructor(private readonly options: ShopAccessTokensOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Called with every verified session token: exchanges it when the shop has no usable token.
   * Throws `TokenRefusedError` when Shopify refuses the exchange (nothing is stored); when Shopify
   * cannot be reached, logs it and returns (the next request tries again).
   */
  async onSessionToken(shop: string, sessionToken: string): Promise<void> {
    if (this.override(shop) !== undefined) return;
    const running = this.exchanging.get(shop);
    if (running) return running;
    const exchange = this.exchangeIfNeeded(shop, sessionToken).finally(() => this.exchanging.delete(shop));
    this.exchanging.set(shop, exchange);
    return exchange;
  }

  private async exchangeIfNeeded(shop: string, sessionToken: string): Promise<void> {
    const { endpoint, logger } = this.options;
    const stored = await this.options.store.getAccessToken(shop);
    if (stored && usable(stored, this.options.clock())) return;
    if (!endpoint) {
      if (!this.toldNoEndpoint) logger.info('no SHOPIFY_ADMIN_URL: session tokens are not exchanged for Admin API tokens locally (SHOPIFY_ADMIN_ACCESS_TOKENS can name them)');
      this.toldNoEndpoint = true;
      return;
    }
    const now = this.options.clock();
    let grant: TokenGrant;
    try {
      grant = await endpoint.exchange(shop, sessionToken, now);
    } catch (error) {
      if (error instanceof TokenRefusedError) logger.warn('token exchange refused', { shop, status: error.status, oauthError: error.error });
      if (error instanceof TokenEndpointUnavailableError) {
        logger.warn('token exchange not possible now; the next admin request tries again', { shop, reason: error.message });
        return;
      }
      throw error;
    }
    // Another container may have stored one meanwhile: theirs stays, ours is dropped.
    const saved = await this.options.store.putAccessToken(await this.sealed(shop, grant, now), stored?.rev ?? 0);
    logger.info(saved ? 'access token obtained by token exchange' : 'access token already obtained by another request', { shop, expiresAt: grant.expiresAt, scope: grant.scope });
  }

  /**
   * The access token for an Admin API call, renewed first if it expires within a minute.
   * Undefined when the shop has none that works (missing, `needs-reauth`, or Shopify unreachable
   * for the refresh): the caller waits and tries later.
   */
  async accessToken(shop: string): Promise<string | undefined> {
    const override = this.override(shop);
    if (override !== undefined) return override;
    const { store, logger } = this.options;
    for (let step = 0; step < WAIT_STEPS; step++) {
      const now = this.options.clock();
      const stored = await store.getAccessToken(shop);
      if (!stored || stored.status !== 'ok') return undefined;
      if (!expiresSoon(stored, now)) return this.open(stored, stored.accessToken);
      if (!stored.refreshToken || expired(stored.refreshTokenExpiresAt, now)) {
        await this.markNeedsReauth(stored, 'the access token expired and there is no refresh token to renew it');
        return undefined;
      }
      if (stored.refreshingUntil && stored.refreshingUntil > now.toISOString()) {
        await this.sleep(WAIT_STEP_MS); // another caller is refreshing it: use what it stores
        continue;
      }
      const { rev: _rev, refreshingUntil: _stale, ...record } = stored;
      const lease = { ...record, refreshingUntil: new Date(now.getTime() + REFRESH_LEASE_MS).toISOString() };
      if (!(await store.putAccessToken(lease, stored.rev))) continue; // someone else took it first
      const leasedRev = stored.rev + 1;
      let grant: TokenGrant;
      try {
        grant = await this.endpoint().refresh(shop, await this.open(stored, stored.refreshToken), now);
      } catch (error) {
        if (error instanceof TokenRefusedError) {
          logger.warn('access token refresh refused; the shop needs to open the app again', { shop, status: error.status, oauthError: error.error });
          await store.putAccessToken({ ...record, status: 'needs-reauth' }, leasedRev);
          return undefined;
        }
        await store.putAccessToken(record, leasedRev); // give the lease back
        if (error instanceof TokenEndpointUnavailableError) {
          logger.warn('access token refresh not possible now; tried again later', { shop, reason: error.message });
          return undefined;
        }
        throw error;
      }
      const renewed = await this.sealed(shop, grant, now, stored);
      if (await store.putAccessToken(renewed, leasedRev)) {
        logger.info('access token refreshed', { shop, expiresAt: grant.expiresAt });
        return grant.accessToken;
      }
      // Lost the item while refreshing (the lease ran out and another caller refreshed): read again.
    }
    logger.warn('gave up waiting for another refresh of the access token; tried again later', { shop });
    return undefined;
  }

  /**
   * The Admin API refused the access token it was given (401: revoked or unknown; 403: the scopes
   * it carries no longer fit): the shop needs its admin to open the app again, which exchanges a
   * new one. A token named in `SHOPIFY_ADMIN_ACCESS_TOKENS`, or one renewed since, is left alone.
   */
  async refused(shop: string, accessToken: string, status: number): Promise<void> {
    if (this.override(shop) !== undefined) return;
    const stored = await this.options.store.getAccessToken(shop);
    if (!stored || stored.status !== 'ok' || (await this.open(stored, stored.accessToken)) !== accessToken) return;
    await this.markNeedsReauth(stored, `the Admin API refused the access token (${status})`);
  }

  async status(shop: string): Promise<AccessTokenStatus> {
    if (this.override(shop) !== undefined) return { status: 'override' };
    const stored = await this.options.store.getAccessToken(shop);
    if (!stored) return { status: 'missing' };
    const status = usable(stored, this.options.clock()) ? 'ok' : 'needs-reauth';
    return { status, ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}) };
  }

  private endpoint(): ShopifyTokenEndpoint {
    if (!this.options.endpoint) throw new TokenEndpointUnavailableError('no token endpoint is configured (SHOPIFY_ADMIN_URL)');
    return this.options.endpoint;
  }

  private override(shop: string): string | undefined {
    const overrides = this.options.overrides ?? {};
    return Object.hasOwn(overrides, shop) ? overrides[shop] : undefined;
  }

  private async markNeedsReauth(stored: StoredAccessToken, reason: string): Promise<void> {
    const { rev, refreshingUntil: _lease, ...record } = stored;
    if (await this.options.store.putAccessToken({ ...record, status: 'needs-reauth' }, rev)) this.options.logger.warn('access token needs the shop to open the app again', { shop: stored.shop, reason });
  }

  private open(stored: StoredAccessToken, sealed: string): Promise<string> {
    return stored.sealedWith === 'none' ? Promise.resolve(sealed) : this.options.cipher.open(sealed, stored.shop);
  }

  /** The record to store for a grant; a grant without a new refresh token keeps the one it was refreshed with. */
  private async sealed(shop: string, grant: TokenGrant, now: Date, previous?: StoredAccessToken): Promise<Omit<StoredAccessToken, 'rev'>> {
    const { cipher } = this.options;
    const refreshToken = grant.refreshToken
      ? await cipher.seal(grant.refreshToken, shop)
      : previous?.refreshToken !== undefined
        ? await cipher.seal(await this.open(previous, previous.refreshToken), shop)
        : undefined;
    return {
      shop,
      accessToken: await cipher.seal(grant.accessToken, shop),
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      sealedWith: cipher.kind,
      ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
      ...(grant.refreshTokenExpiresAt ? { refreshTokenExpiresAt: grant.refreshTokenExpiresAt } : {}),
      ...(grant.scope !== undefined ? { scope: grant.scope } : {}),
      status: 'ok',
      obtainedAt: now.toISOString(),
    };
  }
}

const expired = (at: string | undefined, now: Date) => at !== undefined && Date.parse(at) <= now.getTime();
const expiresSoon = (stored: StoredAccessToken, now: Date) => stored.expiresAt !== undefined && Date.parse(stored.expiresAt) - REFRESH_AHEAD_MS <= now.getTime();

/** A token the service can use, now or after a refresh. */
function usable(stored: StoredAccessToken, now: Date): boolean {
  if (stored.status !== 'ok') return false;
  if (!expiresSoon(stored, now)) return true;
  return stored.refreshToken !== undefined && !expired(stored.refreshTokenExpiresAt, now);
}
