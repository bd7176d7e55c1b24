import { apiErrorOf, ApiError, networkError } from './errors.js';
import { session, type Me, type TokenPair } from './session.js';

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  /** Skip the bearer token (sign-in, refresh). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

/** Fired when the session cannot be renewed, so the app can show the sign-in page. */
export const SIGNED_OUT = 'nemo:signed-out';

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (!opts.anonymous && session.accessToken) headers['authorization'] = `Bearer ${session.accessToken}`;
  try {
    return await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw networkError();
  }
}

let refreshing: Promise<boolean> | undefined;

/** Trades the refresh token for new tokens once, however many requests noticed the expiry together. */
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = session.refreshToken;
    if (!refreshToken) return false;
    const res = await send('/auth/refresh', { method: 'POST', body: { refreshToken }, anonymous: true });
    if (!res.ok) return false;
    session.store((await res.json()) as TokenPair);
    return true;
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

/** A gateway call that succeeded (2xx); failures become ApiError with a message for people. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  let res = await send(path, opts);
  if (res.status === 401 && !opts.anonymous && (await refresh())) res = await send(path, opts);
  if (res.status === 401 && !opts.anonymous) {
    session.clear();
    window.dispatchEvent(new Event(SIGNED_OUT));
  }
  if (!res.ok) throw await apiErrorOf(res);
  return res;
}

export async function getJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function login(username: string, password: string): Promise<Me> {
  const tokens = await getJson<TokenPair>('/auth/login', {
    method: 'POST',
    body: { username, password },
    anonymous: true,
  });
  session.store(tokens);
  return loadMe();
}

export async function loadMe(): Promise<Me> {
  const me = await getJson<Me>('/auth/me');
  session.setMe(me);
  return me;
}

/** Restores a session after a reload, when this tab still holds a refresh token. */
export async function resume(): Promise<Me | undefined> {
  if (!session.refreshToken) return undefined;
  try {
    if (!(await refresh())) return undefined;
    return await loadMe();
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}

export async function logout(): Promise<void> {
  const refreshToken = session.refreshToken;
  await request('/auth/logout', { method: 'POST', body: refreshToken ? { refreshToken } : {} }).catch(() => undefined);
  session.clear();
}
