// The dashboard's only way to the collector: fetch with the admin token as a bearer header.
// The token lives in sessionStorage (gone when the tab closes) and never in a URL.

const TOKEN_KEY = 'cjm.adminToken';

/** The stored admin token, or null before login. */
export const getToken = (): string | null => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** The collector said 401: the token is missing, wrong or was rotated. */
export class Unauthorized extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthorized';
  }
}

/** Any other failed request, with the collector's `{"error": …}` text when it sent one. */
export class RequestFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

/** Query parameters; empty and undefined values are left out. */
export type Params = Record<string, string | number | undefined>;

/** `path?params` with empty values dropped. */
export function withQuery(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function request(path: string, params: Params | undefined, signal?: AbortSignal, token = getToken()): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, params), {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new RequestFailed(0, 'cannot reach the collector — is it running?');
  }
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) throw new Unauthorized(message);
  throw new RequestFailed(res.status, message);
}

/**
 * GETs JSON from the admin API; `token` checks a token before it is stored (login).
 * @example const report = await getJson<JourneyReport>('/api/sites/shop/journey', { from, to });
 */
export async function getJson<T>(path: string, params?: Params, signal?: AbortSignal, token?: string): Promise<T> {
  const res = await request(path, params, signal, token);
  return (await res.json()) as T;
}

/**
 * Fetches a CSV with the bearer header and hands it to the browser as a download, so the
 * token never appears in a link.
 */
export async function downloadCsv(path: string, params: Params, fallbackName: string): Promise<void> {
  const res = await request(path, params);
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser a moment to start the download before the blob goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
