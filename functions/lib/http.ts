/**
 * The middy chain every HTTP handler shares: check the caller's claims (verified before the
 * function, by the JWT authorizer) and role, validate path, query,
 * headers and body against the route's zod schemas, run the handler's logic, shape the JSON
 * response; any error becomes problem+json. Handlers stay thin: they only call the domain.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { RouteDef } from '#shared/api/routes.ts';
import type { AuthContext } from '#shared/auth/claims.ts';
import { DocumentTooLargeError, type FieldError, MesError, ValidationError } from '#shared/domain/errors.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';
import { withUsage } from '#shared/db/usage.ts';
import { withDeadline } from '#shared/domain/retry.ts';
import { problemResponse } from './problem.ts';
import { authorize, claimsOf } from './auth.ts';
import { CLAIMS, userIdOf } from '#shared/auth/claims.ts';
import { TenantIdSchema } from '#shared/api/schemas.ts';
import { addRequestLogKeys, beginRequestLog, CORRELATION_ID_HEADER, correlationIdOf } from './logger.ts';
import { recordRequestMetrics } from './metrics.ts';
import { admitRequest } from './rate-limit.ts';

z.config(en());

class UnsupportedMediaTypeError extends MesError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly type = 'urn:mes:problem:unsupported-media-type';
  readonly title = 'Unsupported media type';
}

type Infer<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

/** The HTTP functions' timeout (infra/constructs/mes-function.ts), when no Lambda context says what is left. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Largest request body a route reads unless it says otherwise (RouteDef.maxBodyBytes). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Whether the request's Accept header asks for `mediaType` before JSON (no q-values weighed: the first named wins). */
export function accepts(headers: Record<string, string | undefined>, mediaType: string): boolean {
  const accept = (headers.accept ?? '').toLowerCase();
  const types = accept.split(',').map((t) => t.split(';')[0]?.trim());
  const wanted = types.indexOf(mediaType);
  const json = types.findIndex((t) => t === 'application/json' || t === '*/*' || t === 'application/*');
  return wanted >= 0 && (json < 0 || wanted < json);
}

export interface HttpRequest<R extends RouteDef> {
  auth: R['roles'] extends null ? undefined : AuthContext;
  params: Infer<R['params']>;
  query: Infer<R['query']>;
  body: Infer<R['body']>;
  /** The body exactly as sent, for routes with `rawBody` (signed and possibly XML); else ''. */
  rawBody: string;
  headers: Record<string, string | undefined>;
  /** From `If-Match: "<version>"`: the version the client last saw. */
  expectedVersion: number | undefined;
}

export interface HttpReply {
  body: unknown;
  /** A binary body (a PDF) instead of JSON: sent base64-encoded with its media type. */
  binary?: { contentType: string; bytes: Uint8Array; filename?: string } | undefined;
  status?: number;
  headers?: Record<string, string>;
}

const exposeUsage = process.env.MES_EXPOSE_DDB_USAGE === '1';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** The correlation id of each request being handled (set by `observed` below, read by problemDetails). */
const correlationIds = new WeakMap<Event, string>();

/** middy onError: every error leaves as problem+json. */
const problemDetails = (): middy.MiddlewareObj<Event, Result, Error, Context> => ({
  onError: async (request) => {
    request.response = problemResponse(request.error, {
      instance: request.event.rawPath,
      correlationId: correlationIds.get(request.event) ?? request.event.requestContext?.requestId,
      awsRequestId: request.context?.awsRequestId,
    });
  },
});

/**
 * Operations (i17-ops; docs/operations.md), around the whole chain: every log line of the
 * request carries its correlation id, tenant and user (functions/lib/logger.ts); the response,
 * problem+json included, echoes the correlation id in `x-correlation-id`; one EMF line of request
 * metrics per invocation (functions/lib/metrics.ts). The tenant and user are the verified
 * token's (the JWT authorizer checked it before the function): read here for the log and the
 * metric only; authorization still happens in the chain.
 */
function observed(route: RouteDef, handler: (event: Event, context: Context) => Promise<Result>) {
  return async (event: Event, context: Context): Promise<Result> => {
    const correlationId = correlationIdOf(event.headers, event.requestContext?.requestId);
    correlationIds.set(event, correlationId);
    const claims = claimsOf(event);
    const tenant = TenantIdSchema.safeParse(claims?.[CLAIMS.tenantId]);
    const tenantId = tenant.success ? tenant.data : undefined;
    const userId = claims ? userIdOf(claims, tenantId) : undefined;
    beginRequestLog({ correlationId, routeKey: event.routeKey });
    addRequestLogKeys({ tenantId, userId });
    const result = await handler(event, context);
    result.headers = { ...result.headers, [CORRELATION_ID_HEADER]: correlationId };
    await recordRequestMetrics({ tenantId, routeGroup: route.fn, method: route.method, status: result.statusCode ?? 200 });
    return result;
  };
}

export function httpHandler<const R extends RouteDef>(route: R, logic: (request: HttpRequest<R>) => Promise<HttpReply>) {
  const lambdaHandler = async (event: Event, context?: Context): Promise<Result> => {
    // Commands that retry on a version conflict stop retrying in time to answer (retry.ts).
    const deadline = Date.now() + (context?.getRemainingTimeInMillis?.() ?? DEFAULT_TIMEOUT_MS);
    const [reply, usage] = await withUsage(() =>
      withDeadline(deadline, async () => {
        const auth = route.roles ? authorize(claimsOf(event), route.roles) : undefined;
        // Tenant isolation (issue 17, docs/isolation.md): an authenticated request's DynamoDB
        // calls may touch only its tenant's keys (and on AWS run with its tenant's credentials).
        // Public routes open their own scope once they know the tenant (receive-erp-event).
        // Fair use (issue 17, docs/fair-use.md): the plant's token bucket (`{t}#RATE`, in its
        // scope), once the tenant is known and before anything is parsed or done. The ERP inbound
        // route admits the credential's plant in its handler (`admit`).
        if (auth)
          return withTenantScope(auth.tenantId, async () => {
            await admitRequest(auth.tenantId);
            return logic(parseRequest(route, event, auth));
          });
        return logic(parseRequest(route, event, auth));
      }),
    );
    const body = reply.body as { version?: unknown } | undefined;
    const statusCode = reply.status ?? route.successStatus;
    if (statusCode === 204) return { statusCode, headers: { 'cache-control': 'no-store', ...reply.headers } };
    if (reply.binary) {
      const { contentType, bytes, filename } = reply.binary;
      return {
        statusCode,
        headers: {
          'content-type': contentType,
          'cache-control': 'no-store',
          ...(filename ? { 'content-disposition': `inline; filename="${filename}"` } : {}),
          ...reply.headers,
        },
        body: Buffer.from(bytes).toString('base64'),
        isBase64Encoded: true,
      };
    }
    return {
      statusCode,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...(typeof body?.version === 'number' ? { etag: `"${body.version}"` } : {}),
        ...(exposeUsage ? { 'x-mes-dynamodb': `calls=${usage.calls.join(',')};rru=${usage.readUnits};wru=${usage.writeUnits}` } : {}),
        ...reply.headers,
      },
      body: JSON.stringify(reply.body),
    };
  };
  return observed(route, middy<Event, Result, Error, Context>().use(problemDetails()).handler(lambdaHandler));
}

function parseRequest<R extends RouteDef>(route: R, event: APIGatewayProxyEventV2, auth: AuthContext | undefined): HttpRequest<R> {
  const errors: FieldError[] = [];
  const parse = (schema: z.ZodMiniType | undefined, value: unknown, location: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      errors.push({ pointer: `/${[location, ...issue.path.map(String)].join('/')}`, detail: issue.message });
    }
    return undefined;
  };
  assertBodySize(route, event);
  const params = parse(route.params, event.pathParameters ?? {}, 'path');
  const query = parse(route.query, event.queryStringParameters ?? {}, 'query');
  const rawBody = route.rawBody ? readRaw(event, route.rawBody.contentTypes) : '';
  const body = route.body && !route.rawBody ? parse(route.body, readJson(event), 'body') : undefined;
  const expectedVersion = parseIfMatch(route, event.headers['if-match'], errors);
  if (errors.length) throw new ValidationError(errors);
  return { auth, params, query, body, rawBody, headers: event.headers, expectedVersion } as HttpRequest<R>;
}

const decode = (event: APIGatewayProxyEventV2) =>
  event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';

/** The body as sent, of one of the route's media types. */
function readRaw(event: APIGatewayProxyEventV2, contentTypes: readonly string[]): string {
  const type = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!contentTypes.includes(type)) {
    throw new UnsupportedMediaTypeError(`send the body as ${contentTypes.join(' or ')}, not ${type || 'no Content-Type'}`);
  }
  return decode(event);
}

function readJson(event: APIGatewayProxyEventV2): unknown {
  const raw = decode(event);
  if (raw.trim() === '') return {};
  const type = event.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(`send the body as application/json, not ${type || 'no Content-Type'}`);
  }
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ValidationError([{ pointer: '/body', detail: `is not valid JSON: ${(error as Error).message}` }]);
  }
}

function parseIfMatch(route: RouteDef, header: string | undefined, errors: FieldError[]): number | undefined {
  if (header === undefined) return undefined;
  if (!route.ifMatch) {
    errors.push({
      pointer: '/headers/if-match',
      detail: 'this route changes no versioned record and does not take If-Match: send the request without it',
    });
    return undefined;
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match?.[1]) {
    errors.push({ pointer: '/headers/if-match', detail: 'must be the ETag of the record, e.g. "3"' });
    return undefined;
  }
  return Number(match[1]);
}

/** A body larger than the route reads is refused before it is decoded or parsed. */
function assertBodySize(route: RouteDef, event: APIGatewayProxyEventV2) {
  if (!event.body) return;
  const bytes = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
  const limit = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (bytes > limit) throw new DocumentTooLargeError('/body', `${bytes} bytes`, `${limit} bytes`);
}
