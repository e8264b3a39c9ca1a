/**
 * Calls to `/admin/*`, each with `Authorization: Bearer <session token>`. The token comes from App
 * Bridge (`shopify.idToken()`), fresh for every call (App Bridge caches it while it is valid); in
 * local development only, from the local server's `/dev/session-token`.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  problems?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/** A non-2xx answer: its problem+json body (or one made up from the status). */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status() {
    return this.problem.status;
  }
}

/** No way to get a session token: the page is not inside Shopify's admin. */
export class NotEmbeddedError extends Error {}

type TokenSource = () => Promise<string>;
let tokenSource: TokenSource | undefined;

interface AppBridge {
  idToken(): Promise<string>;
}

const ID_TOKEN_TIMEOUT_MS = 8000;

/** App Bridge's token source, when App Bridge loaded and answers. */
export function appBridge(): TokenSource | undefined {
  const shopify = (globalThis as { shopify?: Partial<AppBridge> }).shopify;
  if (!shopify || typeof shopify.idToken !== 'function') return undefined;
  return () =>
    Promise.race([
      shopify.idToken!(),
      new Promise<string>((_, reject) => setTimeout(() => reject(new NotEmbeddedError('App Bridge gave no session token')), ID_TOKEN_TIMEOUT_MS)),
    ]);
}

/** The local server's development tokens (`/dev/session-token`, mounted by `npm start` alone). */
export function devTokens(shop: string): TokenSource {
  return async () => {
    const response = await fetch(`/dev/session-token?shop=${encodeURIComponent(shop)}`);
    if (!response.ok) throw new NotEmbeddedError('the local server gives no development session tokens');
    return ((await response.json()) as { token: string }).token;
  };
}

export function useTokens(source: TokenSource) {
  tokenSource = source;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  if (!tokenSource) throw new NotEmbeddedError('no session token');
  const token = await tokenSource();
  const response = await fetch(`/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (response.ok) return (await response.json()) as T;
  let problem: Problem;
  try {
    problem = (await response.json()) as Problem;
  } catch {
    problem = { type: 'about:blank', title: response.statusText || 'The request failed.', status: response.status, detail: `HTTP ${response.status}` };
  }
  throw new ApiError({ ...problem, status: response.status });
}

/** A call whose body or answer is not JSON (a CSV file sent or fetched): the response when 2xx, else `ApiError`. */
export async function apiFetch(path: string, init: { method?: string; body?: Blob | string; contentType?: string } = {}): Promise<Response> {
  if (!tokenSource) throw new NotEmbeddedError('no session token');
  const token = await tokenSource();
  const response = await fetch(`/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  if (response.ok) return response;
  let problem: Problem;
  try {
    problem = (await response.json()) as Problem;
  } catch {
    problem = { type: 'about:blank', title: response.statusText || 'The request failed.', status: response.status, detail: `HTTP ${response.status}` };
  }
  throw new ApiError({ ...problem, status: response.status });
}

/** What to tell the store owner when a call failed. */
export function failure(error: unknown): string {
  if (error instanceof ApiError) {
    const { title = '', detail = '' } = error.problem;
    return detail.startsWith(title.replace(/\.$/, '')) ? detail : `${title} ${detail}`.trim();
  }
  if (error instanceof NotEmbeddedError) return 'Open this page from your Shopify admin to get a session.';
  return 'The loyalty service could not be reached. Check the connection and try again.';
}
