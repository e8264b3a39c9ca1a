/**
 * One Admin GraphQL call, sorted into an answer, "try again later" (throttled, down, slow, no
 * token) or "refused for good"; the base of every Admin API client of the service (coupons, store
 * credit, metafields, Flow, orders). Throttling follows Shopify's leaky bucket: each answer's
 * `extensions.cost.throttleStatus` is remembered per shop, and a call whose cost the bucket cannot
 * pay yet waits for it to refill (briefly) or is handed back as a retry.
 */
import type { Shop } from '../store/ports.ts';

export const ADMIN_API_VERSION = '2026-10';

export interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

export interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

/**
 * `retry` with `mayExist`: the call may have acted (a timeout after sending). `status`: the HTTP
 * status when Shopify answered one.
 */
export type GraphqlFailure =
  | { kind: 'retry'; afterMs: number; reason: string; mayExist?: true; status?: number }
  | { kind: 'rejected'; reason: string; status?: number };

export type GraphqlOutcome<T> = { kind: 'ok'; data: T; cost?: QueryCost } | GraphqlFailure;

export interface AdminClientOptions {
  /** The shop's offline access token, renewed if need be; none means the call waits until there is one. */
  accessToken: (shop: Shop) => Promise<string | undefined> | string | undefined;
  /** Told when the Admin API refuses a token (401, 403), so the shop is marked as needing its admin again. */
  onTokenRefused?: (shopDomain: string, accessToken: string, status: number) => Promise<void>;
  /** `https://{shop}` in production; a loopback fake in tests. */
  endpoint?: (shopDomain: string) => string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The longest a call waits for the shop's cost bucket to refill before it is handed back as a retry. */
  maxThrottleWaitMs?: number;
  /** Milliseconds since the epoch, for the bucket's refill; `Date.now` by default (it measures, it dates nothing). */
  monotonicNow?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface BucketState {
  available: number;
  maximum: number;
  restoreRate: number;
  at: number;
}

/** What each shop's bucket held at its last answer, refilled at `restoreRate` points a second since. */
export class CostBuckets {
  private readonly shops = new Map<string, BucketState>();

  observe(shop: string, cost: QueryCost | undefined, at: number): void {
    const status = cost?.throttleStatus;
    if (typeof status?.currentlyAvailable !== 'number') return;
    this.shops.set(shop, { available: status.currentlyAvailable, maximum: status.maximumAvailable ?? 2000, restoreRate: status.restoreRate ?? 100, at });
  }

  /** How long a call of `cost` points must wait before the shop's bucket holds them (0: go now). */
  waitMs(shop: string, cost: number, at: number): number {
    const state = this.shops.get(shop);
    if (!state) return 0;
    const available = Math.min(state.maximum, state.available + ((at - state.at) / 1000) * state.restoreRate);
    if (available >= cost) return 0;
    return Math.ceil(((cost - available) / state.restoreRate) * 1000);
  }
}

interface Answer {
  data?: unknown;
  errors?: GraphqlError[];
  extensions?: { cost?: QueryCost };
}

export class AdminGraphql {
  private readonly fetch: typeof fetch;
  private readonly buckets = new CostBuckets();
  /** The cost each query text last asked for: the estimate of its next call. */
  private readonly costs = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AdminClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.monotonicNow ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Calls the shop's Admin API with its access token; an answer with `errors` is refused (or retried when throttled). */
  async request<T>(shop: Shop, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlOutcome<T>> {
    const token = await this.options.accessToken(shop);
    if (!token) return { kind: 'retry', afterMs: 15 * 60_000, reason: 'the shop has no working Admin API access token yet (its admin must open the app)' };
    return this.requestWith<T>(shop.shop, token, query, variables);
  }

  /** The same, with a token the caller already holds. */
  async requestWith<T>(shop: string, token: string, query: string, variables: Record<string, unknown>): Promise<GraphqlOutcome<T>> {
    const wait = this.buckets.waitMs(shop, this.costs.get(query) ?? 10, this.now());
    if (wait > (this.options.maxThrottleWaitMs ?? 2_000)) return { kind: 'retry', afterMs: wait, reason: 'throttled (query cost, the bucket is still empty)' };
    if (wait > 0) await this.sleep(wait);
    const base = this.options.endpoint?.(shop) ?? `https://${shop}`;
    let response: Response;
    try {
      response = await this.fetch(`${base}/admin/api/${ADMIN_API_VERSION}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      // A timeout may come after Shopify acted on the call; a refused connection never does.
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { kind: 'retry', afterMs: 30_000, reason: `Shopify did not answer: ${error instanceof Error ? error.name : 'error'}`, ...(timedOut ? { mayExist: true as const } : {}) };
    }
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      return { kind: 'retry', afterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 2_000, reason: 'throttled (429)', status: 429 };
    }
    if (response.status >= 500) return { kind: 'retry', afterMs: 30_000, reason: `Shopify answered ${response.status}`, status: response.status };
    if (response.status === 401 || response.status === 403) {
      await this.options.onTokenRefused?.(shop, token, response.status);
      return { kind: 'retry', afterMs: 15 * 60_000, reason: `the access token was refused (${response.status}): the shop's admin must open the app again`, status: response.status };
    }
    if (!response.ok) return { kind: 'rejected', reason: `Shopify answered ${response.status}`, status: response.status };
    let answer: Answer;
    try {
      answer = (await response.json()) as Answer;
    } catch {
      return { kind: 'retry', afterMs: 30_000, reason: 'Shopify answered with something that is not JSON', status: response.status };
    }
    const cost = answer.extensions?.cost;
    this.buckets.observe(shop, cost, this.now());
    if (typeof cost?.requestedQueryCost === 'number') this.costs.set(query, cost.requestedQueryCost);
    if (answer.errors?.some((error) => error.extensions?.code === 'THROTTLED')) {
      // The cost bucket refills at restoreRate points a second.
      const missing = (cost?.requestedQueryCost ?? 10) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
      const rate = cost?.throttleStatus?.restoreRate ?? 50;
      return { kind: 'retry', afterMs: Math.max(1_000, Math.ceil((missing / rate) * 1000)), reason: 'throttled (query cost)' };
    }
    if (answer.errors?.length) return { kind: 'rejected', reason: answer.errors.map((error) => error.message).join('; ') };
    return { kind: 'ok', data: answer.data as T, ...(cost ? { cost } : {}) };
  }
}
