/**
 * The web app's side of the wire contract: it calls routes of shared/api/routes.ts by id. The
 * path comes from the route's template (params encoded), the query from the route's query shape,
 * the request and response types from its zod schemas (z.input sent, z.output read), and every
 * answer is parsed with the route's response schema: one that does not match is a ContractError
 * on screen, not an `undefined` three components later. No app state here (session, config,
 * connection banner): api.ts wires those in, so a test can run this against a plain HTTP server.
 */
import * as z from 'zod/mini';
import { type HttpMethod, type RouteId, routes } from '../../shared/api/routes.ts';
import { ProblemSchema } from '../../shared/api/schemas.ts';
import { ApiError, ContractError } from './api-error.ts';

// The app's CSP has no 'unsafe-eval': without this zod probes `new Function` and the browser reports a violation.
z.config({ jitless: true });

type Def<I extends RouteId> = (typeof routes)[I];

/** Path and query values as typed: coerced fields (`seq`, `limit`) take a number or its text. */
type Wire<T> = { [K in keyof T]: unknown extends T[K] ? string | number : T[K] };

// Each part is non-distributive (`[D] extends [...]`): over the union of every route (the
// constraint TS checks a generic call against) a distributive part would multiply with the
// others into a union past TS's limit once the route table grew (issue 17).
type ParamsPart<D> = [D] extends [{ params: infer S extends z.ZodMiniType }] ? { params: Wire<z.input<S>> } : { params?: undefined };
type QueryPart<D> = [D] extends [{ query: infer S extends z.ZodMiniType }]
  ? // biome-ignore lint/complexity/noBannedTypes: `{} extends T` asks whether every field of T is optional.
    {} extends z.input<S>
    ? { query?: Wire<z.input<S>> }
    : { query: Wire<z.input<S>> }
  : { query?: undefined };
type BodyPart<D> = [D] extends [{ body: infer S extends z.ZodMiniType }] ? { body: z.input<S> } : { body?: undefined };
type IfMatchPart<D> = [D] extends [{ ifMatch: true }]
  ? {
      /** The version the person saw (ETag): a stale screen gets a 409 instead of overwriting. */
      ifMatch?: number;
    }
  : { ifMatch?: undefined };
type IdempotentPart<D> = [D] extends [{ idempotent: true }] ? { idempotencyKey?: string } : { idempotencyKey?: undefined };

/** What a call of route `I` sends. */
export type CallInput<I extends RouteId> = ParamsPart<Def<I>> &
  QueryPart<Def<I>> &
  BodyPart<Def<I>> &
  IfMatchPart<Def<I>> &
  IdempotentPart<Def<I>> & { signal?: AbortSignal };
/** What a call of route `I` reads: its response schema's output. */
export type CallOutput<I extends RouteId> = z.output<Def<I>['response']>;
/** The input argument, optional when the route needs nothing. */
// biome-ignore lint/complexity/noBannedTypes: `{} extends T` asks whether every field of T is optional.
export type CallArgs<I extends RouteId> = {} extends CallInput<I> ? [input?: CallInput<I>] : [input: CallInput<I>];
/** Only what locates a resource: for paths (the boot script's early request, a list's key). */
export type Locator<I extends RouteId> = Pick<CallInput<I>, 'params' | 'query'>;

const routeOf = (id: RouteId) => routes[id] as { method: HttpMethod; path: string; response: z.ZodMiniType };

/** `getWorkOrder`, `{ params: { id: 'WO 1' } }` → the route's path with `WO%201` for `{id}`; query values are encoded and undefined ones left out. */
export function routePath<I extends RouteId>(id: I, locator: Locator<I> = {} as Locator<I>): string {
  const values = (locator.params ?? {}) as Record<string, unknown>;
  const path = routeOf(id).path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`${id}: the path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  // encodeURIComponent, not URLSearchParams: its `+` for a space is not read as one by every gateway.
  const query = Object.entries((locator.query ?? {}) as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? `${path}?${query}` : path;
}

/** The route's response schema applied to a 2xx body: its output, or a ContractError (logged with zod's issues). */
export function readResponse<I extends RouteId>(id: I, path: string, body: unknown, status = 200): CallOutput<I> {
  const route = routeOf(id);
  const parsed = route.response.safeParse(body);
  if (parsed.success) return parsed.data as CallOutput<I>;
  const where = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'the body'}: ${issue.message}`)
    .join('; ');
  console.error(`MES contract: ${route.method} ${path} (${id}) answered ${status} with a body its response schema refuses`, parsed.error.issues);
  throw new ContractError(status, route.method, path, where);
}

/** The problem type of a signature refused for wrong credentials (issue 16): the app stays signed in. */
export const SIGNATURE_REFUSED = 'urn:mes:problem:signature-refused';

/** A refusal as the API words it (RFC 9457); an answer that is not problem+json still gets its status. */
export function problemError(status: number, statusText: string, body: unknown, retryAfter?: number): ApiError {
  const problem = ProblemSchema.safeParse(body);
  if (!problem.success) {
    const error = new ApiError(status, statusText || 'Error', typeof body === 'string' ? body.slice(0, 200) : '');
    error.retryAfterSeconds = retryAfter;
    return error;
  }
  const { changedBy, changedAt, currentStatus, lastChange } = problem.data;
  const error = new ApiError(
    status,
    problem.data.title,
    problem.data.detail ?? '',
    problem.data.errors ?? [],
    { changedBy, changedAt, currentStatus, lastChange },
    problem.data.type,
  );
  error.retryAfterSeconds = problem.data.retryAfterSeconds ?? retryAfter;
  if (problem.data.missing) error.missing = problem.data.missing;
  return error;
}

export interface ClientOptions {
  /** Base URL of the API, '' for the same origin; read at each call (the config loads after the app starts). */
  baseUrl: () => string;
  /** The bearer token, if signed in. */
  token: () => string | undefined;
  /** A 401: the token expired or was refused. */
  onUnauthorized?: () => void;
  /** A request reached the API (any status) or did not (a network error). */
  onReached?: (reached: boolean) => void;
}

/** Seconds a 429 asks to wait (`Retry-After`, whole seconds); 1 when it says nothing usable (API Gateway's own throttle sends none). */
export function retryAfterSeconds(res: Pick<Response, 'headers'>): number {
  const seconds = Number(res.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds >= 1 ? Math.min(Math.ceil(seconds), 60) : 1;
}

type SentInput = { params?: object; query?: object; body?: unknown; ifMatch?: number; idempotencyKey?: string; signal?: AbortSignal };

export type Call = <I extends RouteId>(id: I, ...args: CallArgs<NoInfer<I>>) => Promise<CallOutput<I>>;

export function createClient(options: ClientOptions): { call: Call } {
  // Typed per route by `Call` at the call site; inside, the input is only taken apart.
  const call = async (id: RouteId, input: SentInput = {}): Promise<unknown> => {
    const { body, ifMatch, idempotencyKey, signal } = input;
    const { method } = routeOf(id);
    const path = routePath(id, input as Locator<RouteId>);
    const headers: Record<string, string> = {};
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = `"${ifMatch}"`;
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    const send = async (): Promise<Response> => {
      try {
        return await fetch(`${options.baseUrl()}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        options.onReached?.(false);
        throw new ApiError(0, 'Offline', String((error as Error).message));
      }
    };
    let res = await send();
    // Fair use (issue 17): over the plant's limit, a read (or a command with an Idempotency-Key,
    // which cannot apply twice) is sent once more after Retry-After; other commands are not
    // retried blindly: the person sees the plain words and decides.
    if (res.status === 429 && (method === 'GET' || idempotencyKey !== undefined)) {
      await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds(res) * 1000));
      res = await send();
    }
    options.onReached?.(true);
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: a 2xx then fails its schema below, a refusal keeps its status.
    }
    // A refused signature (a wrong password re-entered at signing) is a 401 too, but the session is fine.
    if (res.status === 401 && (json as { type?: unknown } | undefined)?.type !== SIGNATURE_REFUSED) {
      options.onUnauthorized?.();
      throw new ApiError(401, 'Signed out', 'your sign-in expired; sign in again');
    }
    if (!res.ok) {
      const error = problemError(res.status, res.statusText, json, retryAfterSeconds(res));
      error.read = method === 'GET';
      throw error;
    }
    return readResponse(id, path, json, res.status);
  };
  return { call: call as unknown as Call };
}
