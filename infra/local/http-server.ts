/**
 * The local API Gateway: a node:http server on loopback that turns each request into an HTTP
 * API payload 2.0 event, verifies the bearer token of a non-public route as the JWT authorizer
 * would (jwt-authorizer.ts), calls the route's API function in-process and writes its result.
 * It also serves the local identity provider (token and JWKS), device credentials for the MQTT
 * broker (device-credentials.ts), answers CORS preflights for browser apps on other loopback
 * ports and, when given one, the built web app (web.ts) on every GET path outside /v1/ and
 * /local/.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type HttpMethod, LOCAL_ONLY_PATHS, type RouteId, routeList } from '../../shared/api/routes.ts';
import { LocalPasswordRequestSchema, LocalTokenRequestSchema } from '../../shared/api/schemas.ts';
import type { PasswordStore } from './passwords.ts';
import type { UserDirectory } from './user-directory.ts';
import { MesError } from '../../shared/domain/errors.ts';
import { DeviceCredentialsRequestSchema, requestedDevice } from '../../shared/telemetry/device-identity.ts';
import { type ApiFunctionId, apiFunctionEntry } from '../../shared/api/functions.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { authorize } from '../../functions/lib/auth.ts';
import { problemResponse } from '../../functions/lib/problem.ts';
import { verifyBearer, withAuthorizer } from './jwt-authorizer.ts';
import { INTEGRATION_TIMEOUT_MS, newRequestId, toApiGatewayEvent, writeLambdaResult } from './api-gateway.ts';
import { HandlerMissingError, invoke, lazyHandler, TimeoutError } from './lambda-engine.ts';
import type { DeviceAuthority } from './device-credentials.ts';
import { type LocalIdentity, TOKEN_LIFETIME_SECONDS } from './identity.ts';
import { createRouter } from './router.ts';
import type { WebHost } from './web.ts';

// The local routes' 400s name what is wrong in the same words as the API's (functions/lib/http.ts).
z.config(en());

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
/** What the server needs of a route: routeList entries, plus the local-only routes. */
export interface LocalRoute {
  id: RouteId | 'localToken' | 'localJwks' | 'localDeviceCredentials' | 'localCognito' | 'localUsers';
  method: HttpMethod;
  path: string;
  /** File under functions/http/, without extension. */
  handler: string;
  /** The API function that serves it (shared/api/functions.ts); local-only routes have none. */
  fn?: ApiFunctionId;
  /** As in the route table: null is public, else the gateway verifies the token first. */
  roles?: readonly Role[] | null;
}
/** Finds the Lambda handler that serves a route: its API function's entry. Tests swap it to load fixtures instead. */
export type HandlerResolver = (route: LocalRoute) => Promise<LambdaHandler>;

export interface Log {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}
export const consoleLog: Log = { info: (m) => console.log(m), error: (m, e) => console.error(m, e ?? '') };
export const silentLog: Log = { info: () => {}, error: () => {} };

export interface HttpServerOptions {
  /** Read at request time: the runtime creates the identity once it knows its own port. */
  identity: () => LocalIdentity;
  /** The local users' passwords (POST /local/users, and Cognito's InitiateAuth at /local/cognito); without it neither route exists. */
  passwords?: PasswordStore;
  /** The local user directory (issue 17): invited users sign in with their roles; a disabled one gets no token. */
  directory?: Pick<UserDirectory, 'find'>;
  /** Issues device credentials (POST /local/device-credentials); without it the route does not exist. */
  devices?: DeviceAuthority;
  handlerResolver?: HandlerResolver;
  log?: Log;
  maxBodyBytes?: number;
  timeoutMs?: number;
  /** Serves the supervisor app; a path it does not know goes on to the API routes (and their 404). */
  web?: WebHost;
}

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HANDLERS_DIR = `${REPO_ROOT}functions/http/`;
const CORS_ALLOW_HEADERS = 'authorization,content-type,idempotency-key,if-match,x-correlation-id';
const CORS_EXPOSE_HEADERS = 'etag,location,retry-after,apigw-requestid,x-correlation-id';

/**
 * The entry of the route's API function (functions/api/), as API Gateway invokes it on AWS; it
 * finds the route by routeKey itself. Imported on first use (the engine's lazy import); a route
 * whose module is not written yet is a 501.
 */
export function fileHandlerResolver(): HandlerResolver {
  const cache = new Map<string, () => Promise<LambdaHandler>>();
  // Route modules found once stay found: the file system is asked until then, not on every request.
  const present = new Set<string>();
  return (route) => {
    if (!present.has(route.handler)) {
      if (!existsSync(`${HANDLERS_DIR}${route.handler}.ts`)) {
        return Promise.reject(new HandlerMissingError(`functions/http/${route.handler}.ts does not exist yet`));
      }
      present.add(route.handler);
    }
    const entry = apiFunctionEntry(route.fn as ApiFunctionId);
    let load = cache.get(entry);
    if (!load) cache.set(entry, (load = lazyHandler<APIGatewayProxyEventV2>(entry)));
    return load();
  };
}

export function createHttpServer(options: HttpServerOptions) {
  const log = options.log ?? consoleLog;
  const resolveHandler = options.handlerResolver ?? fileHandlerResolver();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const router = createRouter<LocalRoute>([
    ...routeList,
    { id: 'localToken', method: 'POST', path: LOCAL_ONLY_PATHS.token, handler: '' },
    { id: 'localJwks', method: 'GET', path: LOCAL_ONLY_PATHS.jwks, handler: '' },
    ...(options.passwords
      ? [
          { id: 'localCognito' as const, method: 'POST' as const, path: LOCAL_ONLY_PATHS.cognito, handler: '' },
          { id: 'localUsers' as const, method: 'POST' as const, path: LOCAL_ONLY_PATHS.users, handler: '' },
        ]
      : []),
    ...(options.devices
      ? [{ id: 'localDeviceCredentials' as const, method: 'POST' as const, path: LOCAL_ONLY_PATHS.deviceCredentials, handler: '' }]
      : []),
  ]);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const requestId = newRequestId();
    const cors = corsHeaders(req.headers.origin);
    const common = { ...cors, 'apigw-requestid': requestId };
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    res.once('finish', () => log.info(`${method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));

    if (options.web?.(req, res, rawPath)) return;
    if (method === 'OPTIONS') return preflight(req, res, cors, rawPath);
    const match = router(method, rawPath);
    if (match.kind === 'not-found') return problem(res, 404, `no route for ${rawPath}`, common);
    if (match.kind === 'method-not-allowed') {
      return problem(res, 405, `${method} is not allowed on ${rawPath}`, { ...common, allow: match.allow.join(', ') });
    }

    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') {
      problem(res, 413, `the request body is larger than ${maxBodyBytes} bytes`, { ...common, connection: 'close' });
      return;
    }
    const { route, pathParameters } = match;
    if (route.id === 'localToken') return issueToken(res, body, common);
    if (route.id === 'localJwks') return json(res, 200, options.identity().jwks(), common);
    if (route.id === 'localUsers') return setPassword(options.passwords as PasswordStore, res, body, common);
    if (route.id === 'localCognito') return initiateAuth(options.passwords as PasswordStore, req, res, body, common);
    if (route.id === 'localDeviceCredentials') return issueDeviceCredentials(options.devices as DeviceAuthority, req, res, body, common);

    let event = toApiGatewayEvent({ req, body, routeKey: `${route.method} ${route.path}`, pathParameters, requestId });
    if (route.roles) {
      // As the JWT authorizer: a bad token never reaches a function.
      try {
        event = withAuthorizer(event, await verifyBearer(req.headers.authorization, options.identity()));
      } catch (error) {
        return writeLambdaResult(res, problemResponse(error, { instance: rawPath, correlationId: requestId }), common);
      }
    }
    try {
      const result = await invoke(() => resolveHandler(route), event, {
        functionName: route.fn ?? route.id,
        timeoutMs: options.timeoutMs ?? INTEGRATION_TIMEOUT_MS,
      });
      writeLambdaResult(res, result, common);
    } catch (error) {
      if (error instanceof HandlerMissingError) return problem(res, 501, error.message, common);
      if (error instanceof TimeoutError) return problem(res, 503, `${route.id} did not answer within the integration timeout`, common);
      // As on AWS: the caller learns nothing of the failure; the log says what happened.
      log.error(`${route.id} failed (request ${requestId})`, error);
      problem(res, 500, 'the function failed; see the runtime log', common);
    }
  }

  async function issueToken(res: ServerResponse, body: Buffer, headers: Record<string, string>) {
    const request = parseBody(res, body, LocalTokenRequestSchema, 'the token request', headers);
    if (!request) return;
    if (options.directory?.find(request.tenantId, request.userId)?.enabled === false) {
      return problem(res, 403, `user ${request.userId} of ${request.tenantId} is disabled`, headers);
    }
    const token = await options.identity().issueToken(request);
    json(res, 200, { token, tokenType: 'Bearer', expiresIn: TOKEN_LIFETIME_SECONDS }, headers);
  }

  /** Local only, as /local/token: anyone who can reach the runtime may set a local user's password. */
  async function setPassword(passwords: PasswordStore, res: ServerResponse, body: Buffer, headers: Record<string, string>) {
    const request = parseBody(res, body, LocalPasswordRequestSchema, 'the password request', headers);
    if (!request) return;
    await passwords.set(request.tenantId, request.userId, request.password);
    res.writeHead(204, headers).end();
  }

  /**
   * Cognito's InitiateAuth, USER_PASSWORD_AUTH only (what the signing app client allows on AWS):
   * tokens for the right password, a 400 NotAuthorizedException for a wrong one or an unknown
   * user, with Cognito's words. The tenant comes from ClientMetadata (one local provider serves
   * every tenant; on AWS a user pool is one deployment's).
   */
  async function initiateAuth(passwords: PasswordStore, req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>) {
    const amz = (status: number, payload: unknown) =>
      res.writeHead(status, { ...headers, 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(payload));
    if (req.headers['x-amz-target'] !== 'AWSCognitoIdentityProviderService.InitiateAuth') {
      return amz(400, { __type: 'UnknownOperationException', message: 'only InitiateAuth is served here' });
    }
    let input: { AuthFlow?: unknown; AuthParameters?: { USERNAME?: unknown; PASSWORD?: unknown }; ClientMetadata?: { tenantId?: unknown } };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return amz(400, { __type: 'SerializationException', message: 'the body is not JSON' });
    }
    if (input.AuthFlow !== 'USER_PASSWORD_AUTH') {
      return amz(400, { __type: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' });
    }
    const { USERNAME: username, PASSWORD: password } = input.AuthParameters ?? {};
    const tenantId = input.ClientMetadata?.tenantId;
    // The username is `{tenantId}.{userId}`, as Cognito's are (shared/auth/claims.ts).
    const userId =
      typeof username === 'string' && typeof tenantId === 'string' && username.startsWith(`${tenantId}.`)
        ? username.slice(tenantId.length + 1)
        : username;
    if (typeof userId !== 'string' || typeof password !== 'string' || typeof tenantId !== 'string') {
      return amz(400, { __type: 'InvalidParameterException', message: 'Missing required parameter USERNAME, PASSWORD or ClientMetadata.tenantId' });
    }
    if (!(await passwords.verify(tenantId, userId, password))) {
      return amz(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    }
    // A user of the directory (issue 17) signs in with its roles, as Cognito's groups; disabled, not at all.
    const user = options.directory?.find(tenantId, userId);
    if (user && !user.enabled) return amz(400, { __type: 'NotAuthorizedException', message: 'User is disabled.' });
    const idToken = await options.identity().issueToken({ tenantId, userId, name: user?.name, roles: user?.roles ?? [] });
    amz(200, { AuthenticationResult: { IdToken: idToken, AccessToken: idToken, ExpiresIn: 300, TokenType: 'Bearer' }, ChallengeParameters: {} });
  }

  /** As on AWS only administrators register things: an admin's token, and the tenant comes from it. */
  async function issueDeviceCredentials(
    devices: DeviceAuthority,
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    headers: Record<string, string>,
  ) {
    let tenantId: string;
    try {
      ({ tenantId } = authorize(await verifyBearer(req.headers.authorization, options.identity()), ['admin']));
    } catch (error) {
      if (error instanceof MesError) return problem(res, error.status, error.message, headers, undefined, error);
      throw error;
    }
    const request = parseBody(res, body, DeviceCredentialsRequestSchema, 'the device credentials request', headers);
    if (!request) return;
    json(res, 200, devices.issue(requestedDevice(tenantId, request)), { ...headers, 'cache-control': 'no-store' });
  }

  function preflight(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>, rawPath: string) {
    const match = router(req.headers['access-control-request-method'] ?? 'GET', rawPath);
    const allow = match.kind === 'found' ? [match.route.method] : match.kind === 'method-not-allowed' ? match.allow : [];
    const headers: Record<string, string> = { ...cors, allow: [...allow, 'OPTIONS'].join(', ') };
    if (cors['access-control-allow-origin']) {
      headers['access-control-allow-methods'] = allow.join(', ') || 'GET';
      headers['access-control-allow-headers'] = req.headers['access-control-request-headers'] ?? CORS_ALLOW_HEADERS;
      headers['access-control-max-age'] = '600';
    }
    res.writeHead(204, headers).end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log.error('local API Gateway failed', error);
      if (!res.headersSent) problem(res, 500, 'the local runtime failed', {});
      else res.destroy();
    });
  });

  return {
    server,
    /** Listens on host:port (0 = any free port) and returns the base URL. */
    listen(port: number, host = '127.0.0.1'): Promise<string> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
        });
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Reads the whole body, or reports it too large without buffering the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Browsers on any loopback origin may call the API; nothing else gets CORS headers. */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    const { protocol, hostname } = new URL(origin);
    return (
      (protocol === 'http:' || protocol === 'https:') && (hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname))
    );
  } catch {
    return false;
  }
}

function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin || !isLoopbackOrigin(origin)) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_EXPOSE_HEADERS, vary: 'Origin' };
}

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** The JSON body as the schema reads it, or undefined once a 400 problem has been answered. */
function parseBody<T>(res: ServerResponse, body: Buffer, schema: z.ZodMiniType<T>, what: string, headers: Record<string, string>): T | undefined {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8') || 'null');
  } catch {
    problem(res, 400, 'the body is not JSON', headers, [{ pointer: '', detail: 'must be a JSON object' }]);
    return undefined;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ pointer: toPointer(i.path), detail: i.message }));
  problem(res, 400, `${what} is invalid`, headers, errors);
  return undefined;
}

/**
 * RFC 9457 problem details; `about:blank` because the HTTP status says it all, or the type and
 * title of a domain error, as the API answers it (functions/lib/problem.ts).
 */
function problem(
  res: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string>,
  errors?: { pointer: string; detail: string }[],
  cause?: MesError,
) {
  const body = {
    type: cause?.type ?? 'about:blank',
    title: cause?.title ?? STATUS_TITLES[status] ?? 'Error',
    status,
    detail,
    ...(errors ? { errors } : {}),
  };
  json(res, status, body, headers, 'application/problem+json');
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, type = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** JSON Pointer (RFC 6901) for a zod issue path: `['roles', 0]` -> `/roles/0`. */
function toPointer(path: readonly PropertyKey[]) {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
