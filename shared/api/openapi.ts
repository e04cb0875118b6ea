/**
 * The OpenAPI 3.1 document, generated from the route table. OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which zod emits itself; that keeps the zod/mini schemas (and small bundles).
 */
import * as z from 'zod/mini';
import { ProblemSchema } from './schemas.ts';
import { EVENT_TYPES, hasB2mmlForm, webhookPayloadSchema } from './integration-schemas.ts';
import { type RouteDef, routeList } from './routes.ts';

type JsonSchema = Record<string, unknown>;

export function openApiDocument(version: string): object {
  const components: Record<string, JsonSchema> = {};
  const schema = (s: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
    const { $schema: _, $defs, ...rest } = json as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [name, def] of Object.entries($defs ?? {})) components[name] = def;
    return rest;
  };
  const problem = { content: { 'application/problem+json': { schema: schema(ProblemSchema, 'output') } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeList) {
    const op: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.tag],
      ...(route.roles ? { security: [{ bearer: [] }], 'x-roles': route.roles } : { security: [] }),
      parameters: [...parameters(route, 'path', schema), ...parameters(route, 'query', schema)],
      responses: {
        [route.successStatus]:
          route.successStatus === 204
            ? { description: 'Done' }
            : {
                description: 'OK',
                content: {
                  'application/json': { schema: schema(route.response, 'output') },
                  ...Object.fromEntries(
                    (route.alternateResponses ?? []).map((a) => [
                      a.mediaType,
                      { schema: { type: 'string', format: 'binary', description: a.description } },
                    ]),
                  ),
                },
              },
        ...(route.body || route.params || route.query ? { 400: { description: 'Invalid input', ...problem } } : {}),
        ...(route.roles ? { 401: { description: 'No valid token', ...problem }, 403: { description: 'Role may not do this', ...problem } } : {}),
        ...(route.params ? { 404: { description: 'Not found in your tenant', ...problem } } : {}),
        ...(route.method !== 'GET' ? { 409: { description: 'Illegal transition or stale version', ...problem } } : {}),
        ...(route.body ? { 413: { description: 'Request body (or document) larger than the route reads', ...problem } } : {}),
        500: { description: 'Unexpected error: nothing to fix in the request; report its correlationId', ...problem },
      },
    };
    if (route.idempotent) {
      (op.parameters as unknown[]).push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } });
    }
    if (route.ifMatch) {
      (op.parameters as unknown[]).push({
        name: 'If-Match',
        in: 'header',
        required: false,
        description: 'The ETag last read: a stale one is a 409 and nothing changes. Without it, the command applies to the current version.',
        schema: { type: 'string', pattern: '^(W/)?"?\\d{1,9}"?$' },
      });
    }
    if (route.rawBody) {
      // Signed: the signature covers the exact bytes. JSON events, or a B2MML XML document.
      op.requestBody = {
        required: true,
        content: Object.fromEntries(
          route.rawBody.contentTypes.map((type) => [
            type,
            type.endsWith('json') && route.body
              ? { schema: schema(route.body, 'input') }
              : { schema: { type: 'string', description: 'B2MML ProductionSchedule' } },
          ]),
        ),
      };
      (op.parameters as unknown[]).push(
        ...['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
          name,
          in: 'header',
          required: true,
          schema: { type: 'string' },
        })),
      );
      (op.responses as Record<string, unknown>)[401] = {
        description: 'Bad or missing signature, stale timestamp, unknown or revoked credential',
        ...problem,
      };
      (op.responses as Record<string, unknown>)[422] = {
        description:
          'Unknown event type or reference, a unit of measure or quantity that does not fit (2.5 of a whole-unit material), or a webhook-id reused with another body',
        ...problem,
      };
    } else if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(route.body, 'input') } } };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = op;
  }
  // OpenAPI 3.1 webhooks: what the MES POSTs to a subscribed endpoint, one entry per event type.
  const webhooks = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook:${type}`,
          summary: `${type} (schemaVersion 1), signed with Standard Webhooks`,
          tags: ['Webhooks'],
          parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
            name,
            in: 'header',
            required: true,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schema(webhookPayloadSchema(type), 'output') },
              // To an endpoint with format b2mml (docs/webhooks.md, "B2MML out").
              ...(hasB2mmlForm(type)
                ? {
                    'application/xml': {
                      schema: {
                        type: 'string',
                        description: 'A B2MML (V0600) ProductionPerformance document, namespace http://www.mesa.org/xml/B2MML-V0600',
                      },
                    },
                  }
                : {}),
            },
          },
          responses: { '2XX': { description: 'Received. Anything else is retried on the schedule; 410 disables the endpoint.' } },
        },
      },
    ]),
  );
  return rewriteRefs({
    openapi: '3.1.0',
    webhooks,
    info: {
      title: 'Serverless MES API',
      version,
      description: 'Work orders, operations, master data and their audit trail. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  });
}

function parameters(route: RouteDef, where: 'path' | 'query', schema: (s: z.ZodMiniType, io: 'input') => JsonSchema) {
  const source = where === 'path' ? route.params : route.query;
  if (!source) return [];
  const json = schema(source, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}
