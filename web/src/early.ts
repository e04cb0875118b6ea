/**
 * The hand-over between the boot script (boot.ts) and the app. The boot script is a few hundred
 * bytes that index.html runs before the app's own script: it asks for /config.json and, when a
 * saved session and the route say which screen opens, for that screen's first data, from the
 * API of the config the app saved last time (the app drops the answer if its config now names
 * another API). The app takes both from here instead of asking again, so its first
 * screen does not wait for its script to download, compile and render before the data is on its way.
 */
import type { RouteId } from '../../shared/api/routes.ts';
import type { AppConfig } from './config.ts';

/**
 * The first request of a screen, by hash route (without its query): what the boot script starts
 * early. Route ids, not paths: the boot script cannot carry the route table (zod and every schema),
 * so the app leaves it their paths (api.ts, `rememberFirstRequests`) under SAVED_FIRST_PATHS.
 */
export const FIRST_REQUESTS = { '/': 'getPlantStatus' } as const satisfies Readonly<Record<string, RouteId>>;

/** Where the app keeps the paths of FIRST_REQUESTS, by hash route, for the boot script. */
export const SAVED_FIRST_PATHS = 'mes.first-requests';

/** An early answer waits this long for its screen; after that the screen asks afresh. */
export const EARLY_MS = 10_000;

/** A GET's outcome, whatever it was: the app handles anything but a 2xx by asking again itself. */
export interface EarlyAnswer {
  ok: boolean;
  body: unknown;
}

export interface EarlyRequest {
  /** When it was asked (epoch ms). */
  at: number;
  /** The API it was asked of: the app takes the answer only when that is the API of its config. */
  apiUrl: string;
  /** Resolves to undefined when the request failed (offline). */
  answer: Promise<EarlyAnswer | undefined>;
  /** Set once it has settled, so the first render can use it without waiting a tick. */
  settled?: EarlyAnswer | undefined;
}

export interface Boot {
  /** /config.json as the server said it, or undefined when it could not be read. */
  config: Promise<AppConfig | undefined>;
  requests: Map<string, EarlyRequest>;
}

declare global {
  interface Window {
    __mesBoot?: Boot;
  }
}

/** `#/orders/WO-1` → `/orders/WO-1`. */
export const currentPath = () => decodeURIComponent(location.hash.replace(/^#/, '')) || '/';

/** Where the app keeps the last config it read, for the boot script and for opening offline. */
export const SAVED_CONFIG = 'mes.config';

/** The config the app read last time, if it kept one. */
export const savedConfig = (): AppConfig | undefined => saved<AppConfig>(SAVED_CONFIG);

/** The path of the first request of hash route `route`, as the app left it, if it did. */
export const savedFirstPath = (route: string): string | undefined => saved<Record<string, string>>(SAVED_FIRST_PATHS)?.[route];

function saved<T>(key: string): T | undefined {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/** The boot script's request for `path` of the API at `apiUrl`, once: a second call, or one after EARLY_MS, gets undefined. */
export function takeEarly(path: string, apiUrl: string): EarlyRequest | undefined {
  const requests = typeof window === 'undefined' ? undefined : window.__mesBoot?.requests;
  const request = requests?.get(path);
  if (!request) return undefined;
  requests?.delete(path);
  return Date.now() - request.at <= EARLY_MS && request.apiUrl === apiUrl ? request : undefined;
}

/**
 * Waits until every early request has its answer, at most `maxMs`: the first screen then renders
 * once, with its data, instead of rendering "Loading" and then again (each render of a cold app
 * costs a slow phone a frame or two). index.html shows its own "Loading" meanwhile.
 */
export async function earlyAnswers(maxMs: number): Promise<void> {
  const requests = [...(window.__mesBoot?.requests.values() ?? [])];
  if (requests.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(requests.map((r) => r.answer)), new Promise((resolve) => (timer = setTimeout(resolve, maxMs)))]);
  clearTimeout(timer);
}
