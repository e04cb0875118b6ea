/**
 * The app's API client: routes of shared/api/routes.ts called by id (contract.ts builds the path
 * and checks the answer against the route's schema), with the signed-in person's bearer token.
 * A 401 signs out (the token expired); a request that cannot reach the API marks the connection
 * lost (live.ts); every other refusal is an ApiError whose `plain` text a supervisor can read.
 */
import type { RouteId } from '../../shared/api/routes.ts';
import { currentSession, signOut } from './auth.ts';
import { appConfig } from './config.ts';
import { type Call, type CallArgs, type CallOutput, createClient, type Locator, readResponse, routePath } from './contract.ts';
import { FIRST_REQUESTS, SAVED_FIRST_PATHS, takeEarly } from './early.ts';
import { markOffline, markOnline } from './live.ts';

export { ApiError, ContractError } from './api-error.ts';

const client = createClient({
  baseUrl: () => appConfig().apiUrl,
  token: () => currentSession()?.token,
  onUnauthorized: signOut,
  onReached: (reached) => (reached ? markOnline() : markOffline()),
});

type Routes = typeof import('../../shared/api/routes.ts').routes;
type GetRoute = { [I in RouteId]: Routes[I]['method'] extends 'GET' ? I : never }[RouteId];
/** List routes: a page of `items` and the `nextCursor` of the next one. */
type PagedRoute = { [I in GetRoute]: 'nextCursor' extends keyof CallOutput<I> ? I : never }[GetRoute];
type ItemOf<I extends RouteId> = CallOutput<I> extends { items: (infer T)[] } ? T : never;
/** The input as the implementations below take it apart; callers are typed per route. */
type Input = { params?: object; query?: object };

/** FIRST_REQUESTS, and the operator home's dispatch list (a route with a parameter: the screen leaves its path, `rememberEarly`). */
const firstRequestIds = new Set<RouteId>([...Object.values(FIRST_REQUESTS), 'getDispatchList']);

/**
 * Calls route `id`. The first GET of a screen may already be answered by the boot script
 * (early.ts): its answer is checked like any other.
 */
const call = (async (id: RouteId, input: Input = {}) => {
  const path = routePath(id, input as Locator<RouteId>);
  const early = firstRequestIds.has(id) ? takeEarly(path, appConfig().apiUrl) : undefined;
  const answer = early && (await early.answer);
  if (answer?.ok) {
    markOnline();
    return readResponse(id, path, answer.body);
  }
  // Refused, failed or never asked early: ask as any request does (a 401 signs out, a problem is shown).
  return (client.call as (id: RouteId, input: Input) => Promise<unknown>)(id, input);
}) as Call;

/** The boot script's answer for route `id` if it is already in: a screen's first render can show it at once. */
const earlyData = ((id: RouteId, locator: Input = {}) => {
  const path = routePath(id, locator as Locator<RouteId>);
  const early = takeEarly(path, appConfig().apiUrl);
  if (!early) return undefined;
  if (early.settled?.ok) {
    markOnline();
    try {
      return readResponse(id, path, early.settled.body);
    } catch {
      // A first render must not throw: the screen's first request asks again and shows the mismatch.
      return undefined;
    }
  }
  // Still on its way: put it back for the screen's first request to wait for.
  window.__mesBoot?.requests.set(path, early);
  return undefined;
}) as <I extends GetRoute>(id: I, ...args: CallArgs<I>) => CallOutput<I> | undefined;

/** Every page of a list route, 100 at a time. */
const allPages = (async (id: RouteId, input: Input = {}) => {
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const query = { ...input.query, limit: 100, ...(cursor ? { cursor } : {}) };
    const page = (await (call as (id: RouteId, input: Input) => Promise<unknown>)(id, { ...input, query })) as {
      items: unknown[];
      nextCursor?: string;
    };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}) as <I extends PagedRoute>(id: I, ...args: CallArgs<I>) => Promise<ItemOf<I>[]>;

/** Leaves the boot script the paths of the screens' first requests (it cannot read the route table). */
export function rememberFirstRequests(): void {
  const paths = { ...savedPaths(), ...Object.fromEntries(Object.entries(FIRST_REQUESTS).map(([route, id]) => [route, routePath(id)])) };
  localStorage.setItem(SAVED_FIRST_PATHS, JSON.stringify(paths));
}

function savedPaths(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(SAVED_FIRST_PATHS) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** Leaves the boot script the first request of hash route `route` (e.g. `/station/wc-1`), for the next visit to start early. */
export function rememberEarly<I extends PagedRoute>(route: string, id: I, ...args: CallArgs<I>): void {
  const input = (args[0] ?? {}) as Input;
  // As allPages asks for its first page.
  const path = routePath(id, { ...input, query: { ...input.query, limit: 100 } } as unknown as Locator<I>);
  const paths = savedPaths();
  if (paths[route] === path) return;
  localStorage.setItem(SAVED_FIRST_PATHS, JSON.stringify({ ...paths, [route]: path }));
}

export const api = { call, earlyData, allPages };
