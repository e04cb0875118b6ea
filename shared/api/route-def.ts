/**
 * What a route is. The route table (routes.ts) gathers the routes of every API function, each
 * declared in routes/<function>.ts: a route's handler imports only its own function's file, so
 * the routes and schemas of other contexts never load in its Lambda.
 */
import type * as z from 'zod/mini';
import type { Role } from '../domain/roles.ts';
import type { ApiFunctionId } from './functions.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: HttpMethod;
  /** API Gateway style path, `{name}` for path parameters. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; `null` for a public route (no token). */
  roles: readonly Role[] | null;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  response: z.ZodMiniType;
  successStatus: 200 | 201 | 204;
  /** File under functions/http/, without extension. */
  handler: string;
  /** The API function (bounded context, shared/api/functions.ts) that serves it. */
  fn: ApiFunctionId;
  /** What the function may do to the table (least-privilege IAM). */
  table: 'none' | 'read' | 'write';
  /** Honours an `Idempotency-Key` header. */
  idempotent?: true;
  /**
   * Changes one versioned record and honours `If-Match: "<version>"`: a stale version is a 409
   * and nothing changes. Without it the command applies to the current version. Routes without
   * this flag refuse an If-Match header (400) rather than ignore it.
   */
  ifMatch?: true;
  /** Largest request body the route reads, in bytes (default 1 MiB, functions/lib/http.ts); more is a 413. */
  maxBodyBytes?: number;
  /**
   * The handler gets the body as sent (`rawBody`), unparsed: a signed request is verified over
   * its exact bytes, and it may be XML. `body` is then only documentation.
   */
  rawBody?: { contentTypes: readonly string[] };
  /** Why a public route (roles null) may be public, for the security review (cdk-nag). */
  publicReason?: string;
  /**
   * Other media types the success response comes in, chosen by the request's `Accept` header
   * (the batch record as `application/pdf`); the OpenAPI document lists them beside the JSON.
   */
  alternateResponses?: readonly { mediaType: string; description: string }[];
  /** AWS resources beyond the table the function needs (IAM grants and environment). */
  uses?: readonly ('secrets' | 'webhookQueue' | 'liveSession' | 'signing' | 'auditAnchor' | 'identity' | 'iot')[];
}

export const define = <const T extends Record<string, RouteDef>>(table: T) => table;

export function kebab(name: string) {
  return name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
}
