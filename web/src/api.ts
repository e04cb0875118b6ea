/**
 * The API client: the bearer token, JSON in and out, and errors in plain words. A 401 signs
 * out (the token expired); every other problem+json becomes an ApiError whose `plain` text a
 * supervisor can read on the floor. Paths are the route table's (shared/api/routes.ts).
 */
import { appConfig } from './config.ts';
import { currentSession, signOut } from './auth.ts';
import { markOffline, markOnline } from './live.ts';
import { takeEarly } from './early.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fields: { pointer: string; detail: string }[] = [],
  ) {
    super(`${status} ${title}: ${detail}`);
  }

  /** What the screen says. */
  get plain(): string {
    switch (this.status) {
      case 0:
        return 'No connection to the MES. Nothing was changed; try again when the connection is back.';
      case 400:
        return `Please check what you entered: ${this.fields.map((f) => `${f.pointer.split('/').pop()} ${f.detail}`).join('; ') || this.detail}.`;
      case 403:
        return `Your role may not do this. ${this.detail}`;
      case 404:
        return `Not found: ${this.detail}`;
      case 409:
        return `Not done: someone or something changed it first, or it is not allowed now. ${this.detail} The screen shows the current state.`;
      case 422:
        return `Not done: ${this.detail}`;
      default:
        return `The MES could not do this (${this.status}). ${this.detail}`;
    }
  }
}

export interface RequestOptions {
  body?: unknown;
  /** The version the user saw (ETag), so a stale screen gets a 409 instead of overwriting. */
  ifMatch?: number;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const session = currentSession();
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(`${appConfig().apiUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    markOffline();
    throw new ApiError(0, 'Offline', String((error as Error).message));
  }
  markOnline();
  if (res.status === 401) {
    signOut();
    throw new ApiError(401, 'Signed out', 'your sign-in expired; sign in again');
  }
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const p = (body ?? {}) as { title?: string; detail?: string; errors?: { pointer: string; detail: string }[] };
    throw new ApiError(res.status, p.title ?? res.statusText, p.detail ?? '', p.errors ?? []);
  }
  return body as T;
}

/** A GET; the first of a screen may already be answered by the boot script (early.ts). */
async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const early = takeEarly(path, appConfig().apiUrl);
  const answer = early && (await early.answer);
  if (answer?.ok) {
    markOnline();
    return answer.body as T;
  }
  // Refused, failed or never asked early: ask as any request does (a 401 signs out, a problem is shown).
  return request<T>('GET', path, signal ? { signal } : {});
}

/** The boot script's answer to `path` if it is already in: a screen's first render can show it at once. */
export function earlyData<T>(path: string): T | undefined {
  const early = takeEarly(path, appConfig().apiUrl);
  if (!early) return undefined;
  if (early.settled?.ok) {
    markOnline();
    return early.settled.body as T;
  }
  // Still on its way: put it back for the screen's first request to wait for.
  window.__mesBoot?.requests.set(path, early);
  return undefined;
}

export const api = {
  get,
  post: <T>(path: string, body: unknown = {}, ifMatch?: number) => request<T>('POST', path, { body, ...(ifMatch !== undefined ? { ifMatch } : {}) }),
  put: <T>(path: string, body: unknown, ifMatch?: number) => request<T>('PUT', path, { body, ...(ifMatch !== undefined ? { ifMatch } : {}) }),
};

/** Every page of a list route. */
export async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api.get<{ items: T[]; nextCursor?: string }>(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
